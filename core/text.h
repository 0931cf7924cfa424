#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace emergence {

// text without the spaces, tabs and line ends around it (for the readers of other programs'
// text: emoji-test.txt, AUTOMATIC1111's parameters).
inline std::string trim(const std::string& text) {
  constexpr const char* kBlank = " \t\r\n";
  const size_t begin = text.find_first_not_of(kBlank);
  if (begin == std::string::npos) {
    return "";
  }
  return text.substr(begin, text.find_last_not_of(kBlank) - begin + 1);
}

// text with ASCII letters in lower case.
inline std::string lower_ascii(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace emergence
