#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace emergence {

// Parses a JSON file, accepting the NaN/Infinity/-Infinity tokens that diffusers' save_config
// writes (they become null). Errors name the file.
nlohmann::json read_json_file(const std::string& path);
nlohmann::json parse_lenient_json(const std::string& text, const std::string& origin);

}  // namespace emergence
