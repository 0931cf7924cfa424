#pragma once

#include <array>
#include <string>

namespace emergence {

// The UTF-8 spelling of the printable character CLIP's BPE uses for each byte value: bytes
// '!'..'~', '¡'..'¬' and '®'..'ÿ' stand for themselves, the other 68 for U+0100 onwards in byte
// order (openai/CLIP clip/simple_tokenizer.py, bytes_to_unicode).
const std::array<std::string, 256>& clip_byte_symbols();

// The 256 byte symbols in the order the vocabulary lists them (printable ranges first, then the
// remapped bytes): entry i is the token with id i.
const std::array<std::string, 256>& clip_byte_symbols_in_vocabulary_order();

}  // namespace emergence
