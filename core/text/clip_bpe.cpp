#include "core/text/clip_bpe.h"

#include <functional>
#include <queue>

namespace emergence {

ClipBpe::ClipBpe(const std::vector<std::pair<std::string, std::string>>& merges) {
  ranks_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    ranks_[merges[i].first + ' ' + merges[i].second] = static_cast<int>(i);
  }
}

int ClipBpe::rank(const std::string& first, const std::string& second) const {
  const auto found = ranks_.find(first + ' ' + second);
  return found == ranks_.end() ? -1 : found->second;
}

std::vector<std::string> ClipBpe::apply(std::vector<std::string> symbols) const {
  const int n = static_cast<int>(symbols.size());
  // A doubly linked list over the symbols: a merge keeps the left node and unlinks the right.
  std::vector<int> prev(n);
  std::vector<int> next(n);
  std::vector<bool> alive(n, true);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  // (rank, left node): equal ranks are one pair, so they pop left to right as the reference
  // scans.
  using Candidate = std::pair<int, int>;
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  const auto push_pair = [&](int left, std::vector<Candidate>& into) {
    if (left >= 0 && next[left] >= 0) {
      const int r = rank(symbols[left], symbols[next[left]]);
      if (r >= 0) {
        into.emplace_back(r, left);
      }
    }
  };
  std::vector<Candidate> pending;
  for (int i = 0; i + 1 < n; ++i) {
    push_pair(i, pending);
  }
  while (true) {
    for (const Candidate& candidate : pending) {
      queue.push(candidate);
    }
    pending.clear();
    // Drop entries whose pair has changed since they were queued; ranks name pairs uniquely, so
    // a recomputed rank equal to the queued one means the pair is still there.
    while (!queue.empty()) {
      const auto [r, left] = queue.top();
      if (alive[left] && next[left] >= 0 && rank(symbols[left], symbols[next[left]]) == r) {
        break;
      }
      queue.pop();
    }
    if (queue.empty()) {
      break;
    }
    // One round: every occurrence of this pair, left to right. Pairs it creates wait for the
    // next round, as the reference only looks at them after the whole pass.
    const int round_rank = queue.top().first;
    while (!queue.empty() && queue.top().first == round_rank) {
      const int left = queue.top().second;
      queue.pop();
      const int right = alive[left] ? next[left] : -1;
      if (right < 0 || rank(symbols[left], symbols[right]) != round_rank) {
        continue;
      }
      symbols[left] += symbols[right];
      alive[right] = false;
      next[left] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = left;
      }
      push_pair(prev[left], pending);
      push_pair(left, pending);
    }
  }
  std::vector<std::string> merged;
  for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
    merged.push_back(std::move(symbols[i]));
  }
  return merged;
}

}  // namespace emergence
