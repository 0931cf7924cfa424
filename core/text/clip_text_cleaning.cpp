#include "core/text/clip_text_cleaning.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <array>
#include <climits>

#include "core/error.h"
#include "core/text/html_unescape.h"

namespace emergence {

namespace detail {

// ICU indexes strings with int32_t, and UTF-16 takes at most two units per character.
constexpr size_t kMaxClipPromptBytes = INT32_MAX / 4;

// The character classes were compared with Python 3.11 and regex 2022.10.31 over every code
// point (ICU 72): \s is White_Space, \p{L} and \p{N} are the general categories, str.isspace
// adds U+001C..U+001F to \s, and str.lower is ICU's full root-locale lower-casing.
bool clip_is_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

// str.strip's notion of white space (str.isspace).
bool clip_is_python_space(char32_t c) { return clip_is_space(c) || (c >= 0x1C && c <= 0x1F); }

bool clip_is_letter(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_L_MASK) != 0;
}

bool clip_is_number(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0;
}

// [^\s\p{L}\p{N}] under IGNORECASE: U+0345 COMBINING GREEK YPOGEGRAMMENI folds to a letter (ι),
// so the negated class refuses it while [\p{L}] does not take it either, and findall drops it.
bool clip_is_other(char32_t c) {
  return !clip_is_space(c) && !clip_is_letter(c) && !clip_is_number(c) && c != 0x345;
}

std::u32string clip_strip(const std::u32string& text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && clip_is_python_space(text[begin])) {
    ++begin;
  }
  while (end > begin && clip_is_python_space(text[end - 1])) {
    --end;
  }
  return text.substr(begin, end - begin);
}

std::u32string clip_lower(const std::u32string& text) {
  if (text.size() > kMaxClipPromptBytes) {
    throw Error("text of " + std::to_string(text.size()) + " characters is too long to lower-case");
  }
  // Whole-string lower-casing: final sigma depends on the neighbours, as in str.lower.
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF32(
      reinterpret_cast<const UChar32*>(text.data()), static_cast<int32_t>(text.size()));
  unicode.toLower(icu::Locale::getRoot());
  std::u32string lower;
  lower.reserve(text.size());
  for (int32_t i = 0; i < unicode.length();) {
    const UChar32 c = unicode.char32At(i);
    lower += static_cast<char32_t>(c);
    i += U16_LENGTH(c);
  }
  return lower;
}

// The character the regex module's IGNORECASE matches against pattern letter `ascii` (ASCII case
// and simple case folding, which also turns U+017F ſ into s).
bool clip_matches_ignoring_case(char32_t c, char ascii) {
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT)) ==
         static_cast<char32_t>(ascii);
}

// Length of literal at text[at], case-insensitively, or 0.
size_t clip_literal_at(const std::u32string& text, size_t at, const char* literal) {
  size_t n = 0;
  for (; literal[n] != '\0'; ++n) {
    if (at + n >= text.size() || !clip_matches_ignoring_case(text[at + n], literal[n])) {
      return 0;
    }
  }
  return n;
}

constexpr std::array<const char*, 9> kClipLiterals = {
    "<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};

// Length of the match of the pattern's alternatives, tried in order, at text[at]; 0 for none.
size_t clip_piece_at(const std::u32string& text, size_t at) {
  for (const char* literal : kClipLiterals) {
    if (const size_t n = clip_literal_at(text, at, literal)) {
      return n;
    }
  }
  size_t end = at;
  while (end < text.size() && clip_is_letter(text[end])) {
    ++end;
  }
  if (end > at) {
    return end - at;
  }
  if (clip_is_number(text[at])) {
    return 1;
  }
  while (end < text.size() && clip_is_other(text[end])) {
    ++end;
  }
  return end - at;
}

}  // namespace detail

std::u32string decode_clip_prompt(const std::string& utf8) {
  using detail::kMaxClipPromptBytes;
  std::u32string text;
  text.reserve(utf8.size());
  if (utf8.size() > kMaxClipPromptBytes) {
    throw Error("prompt of " + std::to_string(utf8.size()) +
                " bytes is too long to tokenize (at most " + std::to_string(kMaxClipPromptBytes) +
                ")");
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) {
      throw Error("prompt is not valid UTF-8: byte " + std::to_string(start) + " (0x" +
                  "0123456789abcdef"[bytes[start] >> 4] + "0123456789abcdef"[bytes[start] & 15] +
                  ") does not start a well-formed character");
    }
    text += static_cast<char32_t>(c);
  }
  return text;
}

std::string encode_utf8(const std::u32string& text) {
  std::string utf8;
  utf8.reserve(text.size());
  for (const char32_t c : text) {
    uint8_t buffer[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buffer, n, static_cast<UChar32>(c));
    utf8.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
  }
  return utf8;
}

std::u32string clean_clip_text(const std::u32string& text) {
  const std::u32string stripped = detail::clip_strip(html_unescape(html_unescape(text)));
  std::u32string collapsed;
  collapsed.reserve(stripped.size());
  for (size_t i = 0; i < stripped.size();) {
    if (!detail::clip_is_space(stripped[i])) {
      collapsed += stripped[i++];
      continue;
    }
    collapsed += U' ';
    while (i < stripped.size() && detail::clip_is_space(stripped[i])) {
      ++i;
    }
  }
  return detail::clip_lower(detail::clip_strip(collapsed));
}

std::vector<std::u32string> split_clip_pieces(const std::u32string& text) {
  std::vector<std::u32string> pieces;
  for (size_t at = 0; at < text.size();) {
    const size_t n = detail::clip_piece_at(text, at);
    if (n == 0) {
      ++at;  // white space, and U+0345 (see clip_is_other)
      continue;
    }
    pieces.push_back(text.substr(at, n));
    at += n;
  }
  return pieces;
}

}  // namespace emergence
