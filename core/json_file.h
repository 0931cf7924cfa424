#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace emergence {

// The deepest nesting of arrays and objects any file of ours may have. Real configs and sidecars
// are at most 3 deep; nlohmann's dump() recurses once per level, so a hostile file 100,000 deep
// would overflow the stack in any later dump() of it.
constexpr int kMaxJsonDepth = 64;

// Parses a JSON file, accepting the NaN/Infinity/-Infinity tokens that diffusers' save_config
// writes (they become null). Errors name the file; nesting deeper than kMaxJsonDepth is an error.
nlohmann::json read_json_file(const std::string& path);
nlohmann::json parse_lenient_json(const std::string& text, const std::string& origin);
// Refuses text whose lists and objects nest deeper than kMaxJsonDepth, before any parser builds
// it (brackets inside strings do not count); the Error starts with `origin`.
void check_json_depth(std::string_view text, const std::string& origin);
// value as an exact integer in [min, max] (2.0 is accepted; 2.5, 1e20, strings are not); the
// Error starts with `name` ("UNet config key 'in_channels'") and gives the range.
int64_t json_integer(const nlohmann::json& value, const std::string& name, int64_t min,
                     int64_t max);
// The same for unsigned 64-bit values (seeds), in [0, 2^64 - 1].
uint64_t json_unsigned(const nlohmann::json& value, const std::string& name);
// value as a number (integer or not); a string, bool or list is an Error naming `name`.
double json_number(const nlohmann::json& value, const std::string& name);
// value as a list of strings (class names); anything else is an Error naming `name`.
std::vector<std::string> json_string_list(const nlohmann::json& value, const std::string& name);
// A short, printable description of an untrusted value for a message: a number, bool or null as
// written, a string quoted and cut to 40 characters, a list or object by its kind only.
std::string json_excerpt(const nlohmann::json& value);
// A JSON library error as plain text for a message: where and what, without the library's
// "[json.exception.parse_error.101]" tag, and with the offending bytes made printable.
std::string json_error_text(const nlohmann::json::exception& error);
// text with control characters and bytes that are not UTF-8 written as \xHH.
std::string printable(const std::string& text);

}  // namespace emergence
