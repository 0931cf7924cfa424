#include "autoencoder_config_reader.h"

#include <climits>

#include "core/error.h"
#include "core/json_file.h"

namespace emergence {

AutoencoderConfigReader::AutoencoderConfigReader(const nlohmann::json& json, std::string what,
                                                 const char* class_name)
    : json_(json), what_(std::move(what)) {
  if (!json_.is_object()) {
    throw Error(what_ + " must be a JSON object");
  }
  const auto it = json_.find("_class_name");
  if (it != json_.end() && *it != class_name) {
    throw Error(what_ + ": _class_name is " + json_excerpt(*it) + ", expected " + class_name);
  }
}

const nlohmann::json* AutoencoderConfigReader::find(const char* key) const {
  const auto it = json_.find(key);
  return it == json_.end() || it->is_null() ? nullptr : &*it;
}

std::string AutoencoderConfigReader::name(const char* key) const {
  return what_ + " key '" + key + "'";
}

void AutoencoderConfigReader::read(const char* key, int& out) const {
  if (const nlohmann::json* v = find(key)) {
    out = static_cast<int>(json_integer(*v, name(key), INT_MIN, INT_MAX));
  }
}

void AutoencoderConfigReader::read(const char* key, double& out) const {
  if (const nlohmann::json* v = find(key)) {
    out = json_number(*v, name(key));
  }
}

void AutoencoderConfigReader::read(const char* key, bool& out) const {
  if (const nlohmann::json* v = find(key)) {
    if (!v->is_boolean()) {
      throw Error(name(key) + " must be true or false, not " + json_excerpt(*v));
    }
    out = v->get<bool>();
  }
}

void AutoencoderConfigReader::read(const char* key, std::string& out) const {
  if (const nlohmann::json* v = find(key)) {
    if (!v->is_string()) {
      throw Error(name(key) + " must be a string, not " + json_excerpt(*v));
    }
    out = v->get<std::string>();
  }
}

void AutoencoderConfigReader::read(const char* key, std::optional<double>& out) const {
  if (json_.contains(key)) {
    const nlohmann::json* v = find(key);
    out = v ? std::optional<double>(json_number(*v, name(key))) : std::nullopt;
  }
}

void AutoencoderConfigReader::read(const char* key, std::vector<int>& out) const {
  if (const nlohmann::json* v = find(key)) {
    if (!v->is_array()) {
      throw Error(name(key) + " must be a list of integers, not " + json_excerpt(*v));
    }
    out.clear();
    for (const nlohmann::json& item : *v) {
      out.push_back(static_cast<int>(json_integer(item, name(key), INT_MIN, INT_MAX)));
    }
  }
}

void AutoencoderConfigReader::read(const char* key, std::vector<std::string>& out) const {
  if (const nlohmann::json* v = find(key)) {
    out = json_string_list(*v, name(key));
  }
}

void AutoencoderConfigReader::read_size(const char* key, int& out) const {
  const nlohmann::json* v = find(key);
  if (v && v->is_array()) {
    std::vector<int> sizes;
    read(key, sizes);
    if (sizes.size() != 2 || sizes[0] != sizes[1]) {
      throw Error(name(key) + " must be one size or [n, n]");
    }
    out = sizes[0];
  } else {
    read(key, out);
  }
}

void AutoencoderConfigReader::require_null(const char* key, const std::string& why) const {
  if (const nlohmann::json* v = find(key)) {
    throw Error(what_ + ": " + key + " " + json_excerpt(*v) + " is not supported: " + why);
  }
}

}  // namespace emergence
