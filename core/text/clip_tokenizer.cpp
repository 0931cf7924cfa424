#include "core/text/clip_tokenizer.h"

#include <algorithm>

#include "core/error.h"
#include "core/text/clip_byte_map.h"
#include "core/text/clip_text_cleaning.h"
#include "core/text/clip_vocabulary.h"

namespace emergence {

ClipTokenizer ClipTokenizer::from_vocabulary_gz(const std::string& path) {
  return ClipTokenizer(read_clip_vocabulary_gz(path));
}

ClipTokenizer ClipTokenizer::from_folder(const std::string& dir) {
  return ClipTokenizer(read_clip_tokenizer_folder(dir));
}

ClipTokenizer::ClipTokenizer(ClipVocabulary vocabulary)
    : ids_(std::move(vocabulary.ids)),
      bpe_(vocabulary.merges),
      vocab_file_(std::move(vocabulary.vocab_file)),
      bos_token_(std::move(vocabulary.bos_token)),
      eos_token_(std::move(vocabulary.eos_token)) {
  bos_id_ = id_of(bos_token_);
  eos_id_ = id_of(eos_token_);
  if (vocabulary.pad_token) {
    folder_pad_id_ = id_of(*vocabulary.pad_token);
  }
}

int64_t ClipTokenizer::id_of(const std::string& token) const {
  const auto found = ids_.find(token);
  if (found == ids_.end()) {
    throw Error("token \"" + token + "\" is not in the CLIP vocabulary " + vocab_file_);
  }
  return found->second;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& utf8_text) const {
  std::vector<int64_t> ids;
  const auto& byte_symbols = clip_byte_symbols();
  for (const std::u32string& piece :
       split_clip_pieces(clean_clip_text(decode_clip_prompt(utf8_text)))) {
    const std::string utf8 = encode_utf8(piece);
    // simple_tokenizer's cache starts with the two special tokens spelled exactly, so they
    // skip BPE; "<|ſtartoftext|>", which the pattern also takes whole, does not.
    if (utf8 == "<|startoftext|>" || utf8 == "<|endoftext|>") {
      ids.push_back(id_of(utf8));
      continue;
    }
    std::vector<std::string> symbols;
    for (const char byte : utf8) {
      symbols.push_back(byte_symbols[static_cast<uint8_t>(byte)]);
    }
    symbols.back() += "</w>";
    for (const std::string& token : bpe_.apply(std::move(symbols))) {
      ids.push_back(id_of(token));
    }
  }
  return ids;
}

TokenizedPrompt ClipTokenizer::tokenize(const std::string& utf8_text, int64_t pad_id,
                                        int max_length) const {
  if (max_length < 2) {
    throw Error("a tokenized prompt needs room for BOS and EOS: max_length " +
                std::to_string(max_length) + " is below 2");
  }
  const std::vector<int64_t> content = encode(utf8_text);
  const size_t kept = std::min(content.size(), static_cast<size_t>(max_length - 2));
  TokenizedPrompt prompt;
  prompt.content_tokens = static_cast<int>(content.size());
  prompt.dropped_tokens = static_cast<int>(content.size() - kept);
  prompt.ids.reserve(static_cast<size_t>(max_length));
  prompt.ids.push_back(bos_id_);
  prompt.ids.insert(prompt.ids.end(), content.begin(), content.begin() + static_cast<long>(kept));
  prompt.ids.push_back(eos_id_);
  prompt.ids.resize(static_cast<size_t>(max_length), pad_id);
  return prompt;
}

}  // namespace emergence
