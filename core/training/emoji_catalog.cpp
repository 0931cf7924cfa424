#include "emoji_catalog.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/text.h"

namespace emergence {
namespace {

bool is_skin_tone(char32_t c) { return c >= 0x1F3FB && c <= 0x1F3FF; }

std::vector<char32_t> parse_codepoints(const std::string& field, const std::string& where) {
  std::vector<char32_t> out;
  std::istringstream in(field);
  std::string hex;
  while (in >> hex) {
    char* end = nullptr;
    const unsigned long value = std::strtoul(hex.c_str(), &end, 16);
    if (end == hex.c_str() || *end != '\0' || value > 0x10FFFF) {
      throw Error(where + ": '" + hex + "' is not a Unicode code point in hex");
    }
    out.push_back(static_cast<char32_t>(value));
  }
  if (out.empty()) {
    throw Error(where + ": no code points before ';'");
  }
  return out;
}

// The comment reads "# 😀 E1.0 grinning face": the name follows the emoji and its version.
std::string name_from_comment(const std::string& comment) {
  std::istringstream in(comment);
  std::string emoji, version;
  in >> emoji >> version;
  std::string rest;
  std::getline(in, rest);
  return trim(rest);
}

}  // namespace

int EmojiCatalog::class_of(const EmojiEntry& entry) const {
  const auto it = std::find(groups.begin(), groups.end(), entry.group);
  return it == groups.end() ? -1 : static_cast<int>(it - groups.begin());
}

EmojiCatalog parse_emoji_test(const std::string& text, const std::string& origin) {
  EmojiCatalog catalog;
  std::istringstream in(text);
  std::string line;
  std::string group;
  std::string subgroup;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::string where = origin + " line " + std::to_string(line_number);
    const std::string group_tag = "# group:";
    if (line.rfind(group_tag, 0) == 0) {
      group = trim(line.substr(group_tag.size()));
      subgroup.clear();
      continue;
    }
    const std::string subgroup_tag = "# subgroup:";
    if (line.rfind(subgroup_tag, 0) == 0) {
      subgroup = trim(line.substr(subgroup_tag.size()));
      continue;
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const auto semicolon = line.find(';');
    const auto hash = line.find('#', semicolon == std::string::npos ? 0 : semicolon);
    if (semicolon == std::string::npos || hash == std::string::npos) {
      throw Error(where + ": expected 'code points ; status # comment'");
    }
    const std::string status = trim(line.substr(semicolon + 1, hash - semicolon - 1));
    if (status != "fully-qualified" || group == "Component") {
      continue;
    }
    if (group.empty()) {
      throw Error(where + ": emoji before any '# group:' line");
    }
    EmojiEntry entry;
    entry.codepoints = parse_codepoints(line.substr(0, semicolon), where);
    if (std::any_of(entry.codepoints.begin(), entry.codepoints.end(), is_skin_tone)) {
      continue;
    }
    entry.name = name_from_comment(line.substr(hash + 1));
    entry.group = group;
    entry.subgroup = subgroup.empty() ? group : subgroup;
    if (catalog.class_of(entry) < 0) {
      catalog.groups.push_back(group);
    }
    catalog.entries.push_back(std::move(entry));
  }
  if (catalog.entries.empty()) {
    throw Error(origin + ": no fully-qualified emoji found (is it Unicode's emoji-test.txt?)");
  }
  return catalog;
}

EmojiCatalog read_emoji_test(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error("cannot read " + path +
                " (install Debian's unicode-data package, which provides emoji-test.txt)");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_emoji_test(text.str(), path);
}

std::string codepoints_to_hex(const std::vector<char32_t>& codepoints) {
  std::string out;
  for (const char32_t c : codepoints) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%s%04X", out.empty() ? "" : " ",
                  static_cast<unsigned>(c));
    out += buffer;
  }
  return out;
}

std::string codepoints_to_utf8(const std::vector<char32_t>& codepoints) {
  std::string out;
  for (const char32_t c : codepoints) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace emergence
