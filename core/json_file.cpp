#include "json_file.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
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

// Length of the well-formed UTF-8 sequence starting at text[i] (at least two bytes), or 0.
size_t utf8_sequence(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const size_t length = lead >= 0xF0 && lead <= 0xF4   ? 4
                        : lead >= 0xE0 && lead <= 0xEF ? 3
                        : lead >= 0xC2 && lead <= 0xDF ? 2
                                                       : 0;
  if (length == 0 || i + length > text.size()) {
    return 0;
  }
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return length;
}

[[noreturn]] void throw_not_integer(const nlohmann::json& value, const std::string& name,
                                    const std::string& min, const std::string& max) {
  throw Error(name + " must be an integer in [" + min + ", " + max + "], not " +
              json_excerpt(value));
}

}  // namespace

std::string printable(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += text[i++];
      continue;
    }
    if (const size_t length = c >= 0x80 ? utf8_sequence(text, i) : 0) {
      out.append(text, i, length);
      i += length;
      continue;
    }
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
    ++i;
  }
  return out;
}

std::string json_error_text(const nlohmann::json::exception& error) {
  std::string message = error.what();
  if (message.rfind("[json.exception.", 0) == 0) {
    const size_t end = message.find("] ");
    if (end != std::string::npos) {
      message.erase(0, end + 2);
    }
  }
  return printable(message);
}

void check_json_depth(std::string_view text, const std::string& origin) {
  bool in_string = false;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw Error(origin + " nests lists and objects more than " + std::to_string(kMaxJsonDepth) +
                    " levels deep");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

nlohmann::json parse_lenient_json(const std::string& text, const std::string& origin) {
  check_json_depth(text, origin);
  try {
    return nlohmann::json::parse(replace_non_finite_tokens(text));
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + " is not valid JSON: " + json_error_text(e));
  }
}

std::vector<std::string> json_string_list(const nlohmann::json& value, const std::string& name) {
  const bool strings = value.is_array() && std::all_of(value.begin(), value.end(),
                                                       [](const auto& v) { return v.is_string(); });
  if (!strings) {
    throw Error(name + " must be a list of strings (got " + json_excerpt(value) + ")");
  }
  return value.get<std::vector<std::string>>();
}

int64_t json_integer(const nlohmann::json& value, const std::string& name, int64_t min,
                     int64_t max) {
  const auto fail = [&]() {
    throw_not_integer(value, name, std::to_string(min), std::to_string(max));
  };
  int64_t result = 0;
  if (value.is_number_unsigned()) {
    const uint64_t u = value.get<uint64_t>();
    if (max < 0 || u > static_cast<uint64_t>(max)) {
      fail();
    }
    result = static_cast<int64_t>(u);
  } else if (value.is_number_integer()) {
    result = value.get<int64_t>();
  } else if (value.is_number_float()) {
    // Tools may write 2.0 for 2. The bounds are ±2^63, exact as doubles; NaN fails the first test.
    const double d = value.get<double>();
    if (!(d == std::floor(d)) || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
      fail();
    }
    result = static_cast<int64_t>(d);
  } else {
    fail();
  }
  if (result < min || result > max) {
    fail();
  }
  return result;
}

uint64_t json_unsigned(const nlohmann::json& value, const std::string& name) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>();
  }
  // nlohmann stores non-negative integers as unsigned, so a signed one here is negative.
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (d == std::floor(d) && d >= 0 && d < 18446744073709551616.0) {  // 2^64, exact as a double
      return static_cast<uint64_t>(d);
    }
  }
  throw_not_integer(value, name, "0", std::to_string(std::numeric_limits<uint64_t>::max()));
}

double json_number(const nlohmann::json& value, const std::string& name) {
  if (!value.is_number()) {
    throw Error(name + " must be a number, not " + json_excerpt(value));
  }
  return value.get<double>();
}

std::string json_excerpt(const nlohmann::json& value) {
  if (value.is_array()) {
    return "a list";
  }
  if (value.is_object()) {
    return "an object";
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    constexpr size_t kMost = 40;
    return "\"" + printable(text.substr(0, kMost)) + (text.size() > kMost ? "…" : "") + "\"";
  }
  return value.dump();  // a number, true, false or null: short by nature
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
