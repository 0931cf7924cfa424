#include <string>
#include <utility>

#include "ldm_names.h"

namespace emergence {
namespace ldm_unet_names_detail {

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// "<index>.<rest>" → {index, rest}; index −1 when the name does not start with digits and a dot.
std::pair<int, std::string> leading_index(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == 0 || dot == std::string::npos || dot > 6 ||
      name.find_first_not_of("0123456789") != dot) {
    return {-1, ""};
  }
  return {std::stoi(name.substr(0, dot)), name.substr(dot + 1)};
}

// ResBlock (LDM openaimodel.py) → ResnetBlock2D (diffusers update_unet_resnet_ldm_to_diffusers).
std::string resnet_name(const std::string& rest) {
  static const std::pair<const char*, const char*> renames[] = {
      {"in_layers.0.", "norm1."},          {"in_layers.2.", "conv1."},
      {"emb_layers.1.", "time_emb_proj."}, {"out_layers.0.", "norm2."},
      {"out_layers.3.", "conv2."},         {"skip_connection.", "conv_shortcut."}};
  for (const auto& [from, to] : renames) {
    if (starts_with(rest, from)) {
      return to + rest.substr(std::string(from).size());
    }
  }
  return rest;
}

std::string level_name(const std::string& blocks, int level, const std::string& part, int layer) {
  return blocks + "." + std::to_string(level) + "." + part + "." + std::to_string(layer) + ".";
}

}  // namespace ldm_unet_names_detail

std::string ldm_unet_name_to_diffusers(const std::string& name, int layers_per_block) {
  namespace d = ldm_unet_names_detail;
  static const std::pair<const char*, const char*> fixed[] = {
      {"time_embed.0.", "time_embedding.linear_1."},
      {"time_embed.2.", "time_embedding.linear_2."},
      {"input_blocks.0.0.", "conv_in."},
      {"out.0.", "conv_norm_out."},
      {"out.2.", "conv_out."}};
  for (const auto& [from, to] : fixed) {
    if (d::starts_with(name, from)) {
      return to + name.substr(std::string(from).size());
    }
  }
  const int per_level = layers_per_block + 1;
  if (d::starts_with(name, "input_blocks.")) {
    const auto [k, rest] = d::leading_index(name.substr(13));
    if (k < 1) {
      return name;
    }
    const int level = (k - 1) / per_level;
    const int layer = (k - 1) % per_level;
    if (layer == layers_per_block && d::starts_with(rest, "0.op.")) {
      return "down_blocks." + std::to_string(level) + ".downsamplers.0.conv." + rest.substr(5);
    }
    if (d::starts_with(rest, "0.")) {
      return d::level_name("down_blocks", level, "resnets", layer) + d::resnet_name(rest.substr(2));
    }
    if (d::starts_with(rest, "1.")) {
      return d::level_name("down_blocks", level, "attentions", layer) + rest.substr(2);
    }
  } else if (d::starts_with(name, "middle_block.")) {
    const auto [k, rest] = d::leading_index(name.substr(13));
    if (k == 0 || k == 2) {
      return "mid_block.resnets." + std::to_string(k / 2) + "." + d::resnet_name(rest);
    }
    if (k == 1) {
      return "mid_block.attentions.0." + rest;
    }
  } else if (d::starts_with(name, "output_blocks.")) {
    const auto [k, rest] = d::leading_index(name.substr(14));
    if (k < 0) {
      return name;
    }
    const int level = k / per_level;
    const int layer = k % per_level;
    // The upsampler follows the level's last resnet, and its attention where there is one.
    if (d::starts_with(rest, "1.conv.") || d::starts_with(rest, "2.conv.")) {
      return "up_blocks." + std::to_string(level) + ".upsamplers.0.conv." + rest.substr(7);
    }
    if (d::starts_with(rest, "0.")) {
      return d::level_name("up_blocks", level, "resnets", layer) + d::resnet_name(rest.substr(2));
    }
    if (d::starts_with(rest, "1.")) {
      return d::level_name("up_blocks", level, "attentions", layer) + rest.substr(2);
    }
  }
  return name;
}

}  // namespace emergence
