#pragma once

#include <string>
#include <vector>

namespace emergence {

// utf8 as code points; bytes that are not well-formed UTF-8 (overlong forms, surrogates, stray
// continuation bytes, a cut sequence) are an Error giving the byte offset, as a prompt is
// expected to arrive as valid text and a silent replacement would change the image.
std::u32string decode_clip_prompt(const std::string& utf8);
// text as UTF-8.
std::string encode_utf8(const std::u32string& text);

// openai/CLIP's clip/simple_tokenizer.py text path without ftfy, which Debian does not ship:
// html.unescape twice, str.strip, whitespace runs to one space, str.strip, str.lower.
std::u32string clean_clip_text(const std::u32string& text);

// The pieces simple_tokenizer's pattern finds in cleaned text, in order:
// <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// matched case-insensitively, as Python's regex module matches it.
std::vector<std::u32string> split_clip_pieces(const std::u32string& text);

}  // namespace emergence
