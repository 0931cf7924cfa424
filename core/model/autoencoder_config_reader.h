#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emergence {

// Reads the fields of one diffusers config.json (AutoencoderKL, AutoencoderTiny). Absent keys and
// null keep the caller's default; a value of the wrong type is an Error starting with `what`
// ("AutoencoderKL config") and naming the key. Ranges are validate()'s business.
class AutoencoderConfigReader {
 public:
  // Error unless json is an object whose _class_name (when present) is class_name.
  AutoencoderConfigReader(const nlohmann::json& json, std::string what, const char* class_name);

  // Whole numbers (2.0 is accepted) in int's range.
  void read(const char* key, int& out) const;
  // Any JSON number.
  void read(const char* key, double& out) const;
  // true or false only (no 0/1).
  void read(const char* key, bool& out) const;
  // A JSON string.
  void read(const char* key, std::string& out) const;
  // A number, or null for "not set".
  void read(const char* key, std::optional<double>& out) const;
  // A list of whole numbers.
  void read(const char* key, std::vector<int>& out) const;
  // A list of strings (block type names).
  void read(const char* key, std::vector<std::string>& out) const;
  // A square size given as one number or as [n, n] (diffusers accepts both for sample_size).
  void read_size(const char* key, int& out) const;
  // Error unless the key is absent or null: for fields whose other values change the model's
  // meaning in ways not supported here. `why` ends the message.
  void require_null(const char* key, const std::string& why) const;

 private:
  const nlohmann::json* find(const char* key) const;
  std::string name(const char* key) const;

  const nlohmann::json& json_;
  std::string what_;
};

}  // namespace emergence
