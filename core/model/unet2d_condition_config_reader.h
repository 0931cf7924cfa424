#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace emergence {

// Reads the keys of one UNet2DConditionModel config.json. An absent key keeps the caller's
// default, and so does null except where "null" is itself a setting (the optional outputs);
// every Error starts "UNet2DConditionModel config key '<key>'".
class UNetConditionConfigReader {
 public:
  explicit UNetConditionConfigReader(const nlohmann::json& json) : json_(json) {}

  // The key's value, or nullptr when absent or null.
  const nlohmann::json* find(const char* key) const;
  bool present(const char* key) const { return json_.contains(key); }

  // An Error naming the key: "UNet2DConditionModel config key '<key>' <what>".
  static Error wrong(const char* key, const std::string& what);
  // A whole number in int's range (2.0 is accepted).
  static int integer(const nlohmann::json& value, const char* key);

  void get(const char* key, int& out) const;
  void get(const char* key, double& out) const;
  void get(const char* key, bool& out) const;
  void get(const char* key, std::string& out) const;
  void get(const char* key, std::vector<std::string>& out) const;
  // null sets these to "not set" (mid_block_type null: no mid block).
  void get(const char* key, std::optional<int>& out) const;
  void get(const char* key, std::optional<bool>& out) const;
  void get(const char* key, std::optional<std::string>& out) const;
  // An int or bool for every block, or a per-block list of them.
  void per_block(const char* key, std::vector<int>& out) const;
  void per_block(const char* key, std::vector<bool>& out) const;
  // Error unless the key is absent, null or false: SD 1/2 leave it unset. `what` says what the
  // key would switch on.
  void refuse_if_set(const char* key, const std::string& what = "") const;

 private:
  const nlohmann::json& json_;
};

}  // namespace emergence
