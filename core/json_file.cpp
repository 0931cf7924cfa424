#include "json_file.h"

#include <fstream>
#include <sstream>

#include "error.h"

namespace emergence {
namespace {

// Replaces the bare tokens NaN, Infinity and -Infinity outside strings with null.
std::string replace_non_finite_tokens(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool replaced = false;
    for (const char* token : {"-Infinity", "Infinity", "NaN"}) {
      const std::string tok(token);
      if (text.compare(i, tok.size(), tok) == 0) {
        out += "null";
        i += tok.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += c;
    }
  }
  return out;
}

}  // namespace

nlohmann::json parse_lenient_json(const std::string& text, const std::string& origin) {
  try {
    return nlohmann::json::parse(replace_non_finite_tokens(text));
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + " is not valid JSON: " + e.what());
  }
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot open " + path);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_lenient_json(buffer.str(), path);
}

}  // namespace emergence
