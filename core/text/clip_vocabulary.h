#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace emergence {

// What a CLIP tokenizer is made of, as read from one of the two file layouts; every error names
// the file.
struct ClipVocabulary {
  std::unordered_map<std::string, int64_t> ids;             // token -> id
  std::vector<std::pair<std::string, std::string>> merges;  // in rank order
  std::string bos_token = "<|startoftext|>";
  std::string eos_token = "<|endoftext|>";
  std::optional<std::string> pad_token;
  std::string vocab_file;  // for messages: the .gz, or the folder's vocab.json
};

// openai/CLIP's bpe_simple_vocab_16e6.txt.gz: merges are lines 1..48894 and the vocabulary is
// built from them (clip/simple_tokenizer.py, SimpleTokenizer.__init__).
ClipVocabulary read_clip_vocabulary_gz(const std::string& path);

// A transformers CLIPTokenizer folder: vocab.json (token -> id), merges.txt (an optional
// "#version" line, then one "first second" pair a line) and, when present,
// special_tokens_map.json (bos_token, eos_token, pad_token as a string or {"content": ...}).
// Every byte symbol, its "</w>" form, each merge's result and the special tokens must be in
// vocab.json, so that encoding never meets an unknown token.
ClipVocabulary read_clip_tokenizer_folder(const std::string& dir);

}  // namespace emergence
