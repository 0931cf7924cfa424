#include "module_weights.h"

#include <sstream>
#include <vector>

#include "core/error.h"

namespace emergence {
namespace {

std::string shape_text(at::IntArrayRef shape) {
  std::ostringstream s;
  s << shape;
  return s.str();
}

// At most 20 names, so a completely wrong file still gives a readable message.
std::string name_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 20; ++i) {
    out += (i ? ", " : "") + names[i];
  }
  if (names.size() > 20) {
    out += ", … and " + std::to_string(names.size() - 20) + " more";
  }
  return out;
}

}  // namespace

std::string modern_attention_name(const std::string& name) {
  static const std::pair<const char*, const char*> kRenames[] = {
      {".query.", ".to_q."},
      {".key.", ".to_k."},
      {".value.", ".to_v."},
      {".proj_attn.", ".to_out.0."},
  };
  if (name.find("attentions.") == std::string::npos) {
    return name;
  }
  for (const auto& [old_part, new_part] : kRenames) {
    const size_t at = name.rfind(old_part);
    if (at != std::string::npos &&
        name.find('.', at + std::string(old_part).size()) == std::string::npos) {
      return name.substr(0, at) + new_part + name.substr(at + std::string(old_part).size());
    }
  }
  return name;
}

std::map<std::string, torch::Tensor> module_state(const torch::nn::Module& module) {
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& item : module.named_parameters()) {
    tensors[item.key()] = item.value();
  }
  for (const auto& item : module.named_buffers()) {
    tensors[item.key()] = item.value();
  }
  return tensors;
}

void copy_module_weights(torch::nn::Module& module,
                         const std::map<std::string, torch::Tensor>& tensors,
                         const std::string& origin, const std::string& what,
                         const std::function<void(const std::string&)>& copied) {
  std::map<std::string, torch::Tensor> expected = module_state(module);
  std::vector<std::string> missing, unexpected;
  for (const auto& item : expected) {
    if (!tensors.count(item.first)) {
      missing.push_back(item.first);
    }
  }
  for (const auto& item : tensors) {
    if (!expected.count(item.first)) {
      unexpected.push_back(item.first);
    }
  }
  if (!missing.empty() || !unexpected.empty()) {
    std::string message = origin + " does not match " + what + ":";
    if (!missing.empty()) {
      message += " missing tensors: " + name_list(missing) + ".";
    }
    if (!unexpected.empty()) {
      message += " unexpected tensors: " + name_list(unexpected) + ".";
    }
    throw Error(message);
  }
  for (const auto& [name, target] : expected) {
    const torch::Tensor& source = tensors.at(name);
    if (source.sizes() != target.sizes()) {
      throw Error(origin + ": tensor '" + name + "' has shape " + shape_text(source.sizes()) +
                  " in the file but the model expects " + shape_text(target.sizes()));
    }
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, target] : expected) {
    target.copy_(tensors.at(name));
    if (copied) {
      copied(name);
    }
  }
}

}  // namespace emergence
