#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/text/clip_bpe.h"

namespace emergence {

struct ClipVocabulary;

// A prompt as the text encoder takes it.
struct TokenizedPrompt {
  std::vector<int64_t> ids;  // exactly max_length: BOS, content, EOS, then pad
  int content_tokens = 0;    // BPE tokens of the prompt before truncation
  int dropped_tokens = 0;  // content tokens cut off because the prompt was longer than max_length-2
};

// CLIP's byte-level BPE tokenizer, giving the ids of openai/CLIP's clip/simple_tokenizer.py
// (commit d05afc4) without ftfy: the text path of clip_text_cleaning.h, then BPE over each
// piece's UTF-8 bytes. With ftfy, openai would also straighten curly quotes, NFC-normalise and
// fold full-width forms first; transformers' CLIPTokenizer skips html.unescape and, without
// ftfy, drops control characters and NFC-normalises. All agree on plain ASCII prompts without
// HTML references or control characters.
//
// Long prompts: tokenize() keeps BOS, the first max_length-2 content tokens and EOS, as
// transformers' truncation=True and openai's tokenize(truncate=True) do, and reports the cut in
// dropped_tokens so that the CLI and the app can say so. Padding: the caller chooses the pad id
// (SD 1 pads with <|endoftext|> = 49407, SD 2 with "!" = 0); a tokenizer folder's own choice is
// folder_pad_id().
//
// Encoding keeps no cache, so one tokenizer can serve several threads at once.
class ClipTokenizer {
 public:
  // openai/CLIP's bpe_simple_vocab_16e6.txt.gz.
  static ClipTokenizer from_vocabulary_gz(const std::string& path);
  // A diffusers/transformers tokenizer/ folder: vocab.json, merges.txt, optional
  // special_tokens_map.json.
  static ClipTokenizer from_folder(const std::string& dir);

  // The BPE ids of the prompt, without BOS and EOS; text that is not valid UTF-8 is an Error.
  std::vector<int64_t> encode(const std::string& utf8_text) const;
  // BOS, the content (truncated), EOS and pad_id up to max_length (at least 2) ids.
  TokenizedPrompt tokenize(const std::string& utf8_text, int64_t pad_id, int max_length = 77) const;

  // <|startoftext|> (49406 in CLIP's vocabulary).
  int64_t bos_id() const { return bos_id_; }
  // <|endoftext|> (49407).
  int64_t eos_id() const { return eos_id_; }
  // The pad token named by the folder's special_tokens_map.json, when there is one.
  std::optional<int64_t> folder_pad_id() const { return folder_pad_id_; }
  // The id of a token as the vocabulary spells it ("a</w>" -> 320); an Error when absent.
  int64_t id_of(const std::string& token) const;
  // Number of tokens in the vocabulary.
  size_t vocabulary_size() const { return ids_.size(); }

 private:
  explicit ClipTokenizer(ClipVocabulary vocabulary);

  std::unordered_map<std::string, int64_t> ids_;
  ClipBpe bpe_;
  std::string vocab_file_;
  std::string bos_token_;
  std::string eos_token_;
  int64_t bos_id_ = 0;
  int64_t eos_id_ = 0;
  std::optional<int64_t> folder_pad_id_;
};

}  // namespace emergence
