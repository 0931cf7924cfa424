#pragma once

#include <string>
#include <vector>

namespace emergence {

// One emoji of Unicode's emoji-test.txt.
struct EmojiEntry {
  std::vector<char32_t> codepoints;
  std::string name;      // CLDR short name, e.g. "grinning face"
  std::string group;     // "# group:" heading it sits under, e.g. "Smileys & Emotion"
  std::string subgroup;  // "# subgroup:" heading, e.g. "face-smiling"
};

// The emoji a dataset is rendered from, in file order, and their groups.
struct EmojiCatalog {
  std::vector<EmojiEntry> entries;
  std::vector<std::string> groups;              // in first-seen order
  int class_of(const EmojiEntry& entry) const;  // index into groups, or -1
};

// Debian's unicode-data copy of emoji-test.txt.
constexpr const char* kDefaultEmojiTestPath = "/usr/share/unicode/emoji/emoji-test.txt";

// Parses emoji-test.txt keeping only fully-qualified emoji without skin-tone modifiers
// (U+1F3FB…U+1F3FF) and dropping the "Component" group (lone modifiers and hair styles). Errors
// name the file and line.
EmojiCatalog parse_emoji_test(const std::string& text, const std::string& origin);
EmojiCatalog read_emoji_test(const std::string& path = kDefaultEmojiTestPath);

// "1F600 200D 2764" style text for a codepoint list, and the UTF-8 encoding.
std::string codepoints_to_hex(const std::vector<char32_t>& codepoints);
std::string codepoints_to_utf8(const std::vector<char32_t>& codepoints);

}  // namespace emergence
