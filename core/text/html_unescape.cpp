#include "core/text/html_unescape.h"

#include <array>
#include <cstdint>

namespace emergence {

namespace detail {

constexpr uint32_t kUnescapeReplacement = 0xFFFD;

// Python's _invalid_charrefs for 0x80..0x9F: what Windows-1252 puts there (0 where it has
// nothing, and Python keeps the control character).
constexpr std::array<uint16_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Python's _invalid_codepoints: numeric references to these give nothing.
bool unescape_forbidden(uint64_t value) {
  return (value >= 0x1 && value <= 0x8) || value == 0xB || (value >= 0xE && value <= 0x1F) ||
         (value >= 0x7F && value <= 0x9F) || (value >= 0xFDD0 && value <= 0xFDEF) ||
         (value & 0xFFFE) == 0xFFFE;
}

// The text a numeric reference stands for (Python's _replace_charref).
std::u32string unescape_number(uint64_t value) {
  if (value == 0) {
    return std::u32string(1, kUnescapeReplacement);
  }
  if (value == 0x0D) {
    return U"\r";
  }
  if (value >= 0x80 && value <= 0x9F) {
    const uint16_t mapped = kWindows1252High[value - 0x80];
    return std::u32string(1, mapped ? mapped : static_cast<char32_t>(value));
  }
  if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
    return std::u32string(1, kUnescapeReplacement);
  }
  if (unescape_forbidden(value)) {
    return U"";
  }
  return std::u32string(1, static_cast<char32_t>(value));
}

int unescape_digit(char32_t c, int base) {
  int digit = -1;
  if (c >= '0' && c <= '9') {
    digit = static_cast<int>(c - '0');
  } else if (base == 16 && c >= 'a' && c <= 'f') {
    digit = static_cast<int>(c - 'a') + 10;
  } else if (base == 16 && c >= 'A' && c <= 'F') {
    digit = static_cast<int>(c - 'A') + 10;
  }
  return digit;
}

struct NamedReference {
  const char32_t* name;
  char32_t value;
  bool legacy;  // also recognised without ';'
};
constexpr std::array<NamedReference, 6> kNamedReferences = {{{U"amp", '&', true},
                                                             {U"lt", '<', true},
                                                             {U"gt", '>', true},
                                                             {U"quot", '"', true},
                                                             {U"apos", '\'', false},
                                                             {U"nbsp", 0xA0, true}}};

bool unescape_name_char(char32_t c) {
  return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' &&
         c != ';';
}

}  // namespace detail

std::u32string html_unescape(const std::u32string& text) {
  using namespace detail;
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out += text[i++];
      continue;
    }
    size_t j = i + 1;
    if (j < text.size() && text[j] == '#') {
      // Python's pattern: '#' digits or '#x' hex digits, then an optional ';'.
      const bool hex = j + 1 < text.size() && (text[j + 1] == 'x' || text[j + 1] == 'X');
      const int base = hex ? 16 : 10;
      size_t k = j + (hex ? 2 : 1);
      const size_t digits_begin = k;
      uint64_t value = 0;
      for (; k < text.size() && unescape_digit(text[k], base) >= 0; ++k) {
        // Saturates: anything past U+10FFFF reads as U+FFFD, however long.
        value = value > 0x10FFFF ? value : value * base + unescape_digit(text[k], base);
      }
      if (k == digits_begin) {
        out += text[i++];
        continue;
      }
      if (k < text.size() && text[k] == ';') {
        ++k;
      }
      out += unescape_number(value);
      i = k;
      continue;
    }
    // A name is up to 32 characters, then an optional ';' (Python's [^\t\n\f <&#;]{1,32};?).
    size_t end = j;
    while (end < text.size() && end - j < 32 && unescape_name_char(text[end])) {
      ++end;
    }
    const std::u32string name = text.substr(j, end - j);
    const bool semicolon = end < text.size() && text[end] == ';';
    bool replaced = false;
    for (const NamedReference& reference : kNamedReferences) {
      if (name == reference.name && (semicolon || reference.legacy)) {
        out += reference.value;
        i = end + (semicolon ? 1 : 0);
        replaced = true;
        break;
      }
    }
    // Python then tries the longest proper prefix (of at least 2 characters) that is a name
    // known without ';'; among the known ones no legacy name is a prefix of another.
    for (size_t length = name.size(); !replaced && length-- > 2;) {
      for (const NamedReference& reference : kNamedReferences) {
        if (reference.legacy && name.compare(0, length, reference.name) == 0) {
          out += reference.value;
          i = j + length;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace emergence
