#include "unet2d_condition_config_reader.h"

#include <climits>

#include "core/json_file.h"

namespace emergence {
namespace {

std::string unet_condition_key(const char* key) {
  return std::string("UNet2DConditionModel config key '") + key + "'";
}

bool unet_condition_boolean(const nlohmann::json& v, const char* key) {
  if (!v.is_boolean()) {
    throw UNetConditionConfigReader::wrong(key, "must be true or false, not " + json_excerpt(v));
  }
  return v.get<bool>();
}

std::string unet_condition_text(const nlohmann::json& v, const char* key) {
  if (!v.is_string()) {
    throw UNetConditionConfigReader::wrong(key, "must be a string, not " + json_excerpt(v));
  }
  return v.get<std::string>();
}

}  // namespace

const nlohmann::json* UNetConditionConfigReader::find(const char* key) const {
  const auto it = json_.find(key);
  return it == json_.end() || it->is_null() ? nullptr : &*it;
}

Error UNetConditionConfigReader::wrong(const char* key, const std::string& what) {
  return Error(unet_condition_key(key) + " " + what);
}

int UNetConditionConfigReader::integer(const nlohmann::json& v, const char* key) {
  return static_cast<int>(json_integer(v, unet_condition_key(key), INT_MIN, INT_MAX));
}

void UNetConditionConfigReader::get(const char* key, int& out) const {
  if (const auto* v = find(key)) {
    out = integer(*v, key);
  }
}

void UNetConditionConfigReader::get(const char* key, double& out) const {
  if (const auto* v = find(key)) {
    out = json_number(*v, unet_condition_key(key));
  }
}

void UNetConditionConfigReader::get(const char* key, bool& out) const {
  if (const auto* v = find(key)) {
    out = unet_condition_boolean(*v, key);
  }
}

void UNetConditionConfigReader::get(const char* key, std::string& out) const {
  if (const auto* v = find(key)) {
    out = unet_condition_text(*v, key);
  }
}

void UNetConditionConfigReader::get(const char* key, std::vector<std::string>& out) const {
  if (const auto* v = find(key)) {
    out = json_string_list(*v, unet_condition_key(key));
  }
}

void UNetConditionConfigReader::get(const char* key, std::optional<int>& out) const {
  if (present(key)) {
    const auto* v = find(key);
    out = v ? std::optional<int>(integer(*v, key)) : std::nullopt;
  }
}

void UNetConditionConfigReader::get(const char* key, std::optional<bool>& out) const {
  if (present(key)) {
    const auto* v = find(key);
    out = v ? std::optional<bool>(unet_condition_boolean(*v, key)) : std::nullopt;
  }
}

void UNetConditionConfigReader::get(const char* key, std::optional<std::string>& out) const {
  if (present(key)) {
    const auto* v = find(key);
    out = v ? std::optional<std::string>(unet_condition_text(*v, key)) : std::nullopt;
  }
}

void UNetConditionConfigReader::per_block(const char* key, std::vector<int>& out) const {
  if (const auto* v = find(key)) {
    out.clear();
    if (!v->is_array()) {
      out.push_back(integer(*v, key));
      return;
    }
    for (const auto& item : *v) {
      if (item.is_array()) {
        throw wrong(key,
                    "has a list inside the list (per-layer counts of an asymmetric UNet "
                    "such as SDXL's refiner); only one count per block is supported");
      }
      out.push_back(integer(item, key));
    }
  }
}

void UNetConditionConfigReader::per_block(const char* key, std::vector<bool>& out) const {
  if (const auto* v = find(key)) {
    out.clear();
    if (!v->is_array()) {
      out.push_back(unet_condition_boolean(*v, key));
      return;
    }
    for (const auto& item : *v) {
      out.push_back(unet_condition_boolean(item, key));
    }
  }
}

void UNetConditionConfigReader::refuse_if_set(const char* key, const std::string& what) const {
  const auto* v = find(key);
  if (v && !(v->is_boolean() && !v->get<bool>())) {
    throw wrong(key, "is " + json_excerpt(*v) + (what.empty() ? "" : " (" + what + ")") +
                         "; Stable Diffusion 1.x/2.x UNets leave it unset, and nothing else is "
                         "supported");
  }
}

}  // namespace emergence
