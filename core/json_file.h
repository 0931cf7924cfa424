#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace emergence {

// Parses a JSON file, accepting the NaN/Infinity/-Infinity tokens that diffusers' save_config
// writes (they become null). Errors name the file.
nlohmann::json read_json_file(const std::string& path);
nlohmann::json parse_lenient_json(const std::string& text, const std::string& origin);
// A JSON library error as plain text for a message: where and what, without the library's
// "[json.exception.parse_error.101]" tag, and with the offending bytes made printable.
std::string json_error_text(const nlohmann::json::exception& error);
// text with control characters and bytes that are not UTF-8 written as \xHH.
std::string printable(const std::string& text);

}  // namespace emergence
