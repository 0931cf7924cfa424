#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace emergence {

// CLIP's byte-pair merges by rank (openai/CLIP clip/simple_tokenizer.py, SimpleTokenizer.bpe):
// the adjacent pair of lowest rank is merged everywhere, left to right, until no ranked pair is
// left. A priority queue makes it O(n log n) in a word's length, where the reference is
// quadratic; each round still merges exactly the occurrences the reference merges.
class ClipBpe {
 public:
  ClipBpe() = default;
  // merges[i] has rank i; a pair listed twice keeps its last rank, as dict(zip(...)) does.
  explicit ClipBpe(const std::vector<std::pair<std::string, std::string>>& merges);
  // The merged symbols of one word given as its byte symbols, the last already ending in "</w>".
  std::vector<std::string> apply(std::vector<std::string> symbols) const;
  size_t size() const { return ranks_.size(); }

 private:
  // Rank of pair (first, second), or -1.
  int rank(const std::string& first, const std::string& second) const;

  std::unordered_map<std::string, int> ranks_;  // key: first + ' ' + second
};

}  // namespace emergence
