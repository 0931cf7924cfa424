#include <string>
#include <utility>

#include "ldm_names.h"

namespace emergence {
namespace ldm_vae_names_detail {

bool has_prefix(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// "<index>.<rest>" after `prefix` → {index, rest}, or {−1, ""}.
std::pair<int, std::string> index_after(const std::string& name, const std::string& prefix) {
  if (!has_prefix(name, prefix)) {
    return {-1, ""};
  }
  const size_t start = prefix.size();
  const size_t dot = name.find('.', start);
  if (dot == std::string::npos || dot == start || dot - start > 6 ||
      name.find_first_not_of("0123456789", start) != dot) {
    return {-1, ""};
  }
  return {std::stoi(name.substr(start, dot - start)), name.substr(dot + 1)};
}

// LDM ResnetBlock's shortcut (model.py) is diffusers' conv_shortcut.
std::string resnet_rest(const std::string& rest) {
  return has_prefix(rest, "nin_shortcut.") ? "conv_shortcut." + rest.substr(13) : rest;
}

// The mid block of one coder ("encoder." or "decoder."), or "" when `rest` is not in it.
std::string mid_name(const std::string& rest) {
  for (const auto& [from, to] :
       {std::pair<const char*, const char*>{"mid.block_1.", "0."}, {"mid.block_2.", "1."}}) {
    if (has_prefix(rest, from)) {
      return "mid_block.resnets." + std::string(to) + resnet_rest(rest.substr(12));
    }
  }
  static const std::pair<const char*, const char*> attention[] = {
      {"mid.attn_1.norm.", "group_norm."},
      {"mid.attn_1.q.", "to_q."},
      {"mid.attn_1.k.", "to_k."},
      {"mid.attn_1.v.", "to_v."},
      {"mid.attn_1.proj_out.", "to_out.0."}};
  for (const auto& [from, to] : attention) {
    if (has_prefix(rest, from)) {
      return "mid_block.attentions.0." + std::string(to) + rest.substr(std::string(from).size());
    }
  }
  return "";
}

std::string vae_name(const std::string& name, int levels) {
  for (const std::string coder : {"encoder.", "decoder."}) {
    if (!has_prefix(name, coder)) {
      continue;
    }
    const std::string rest = name.substr(coder.size());
    if (rest.compare(0, 9, "norm_out.") == 0) {
      return coder + "conv_norm_out." + rest.substr(9);
    }
    if (const std::string mid = mid_name(rest); !mid.empty()) {
      return coder + mid;
    }
    const bool down = coder == "encoder.";
    const auto [i, in_level] = index_after(rest, down ? "down." : "up.");
    if (i < 0) {
      return name;
    }
    // diffusers numbers the decoder's up blocks from the latent side, LDM from the image side.
    const std::string level = coder + (down ? "down_blocks." : "up_blocks.") +
                              std::to_string(down ? i : levels - 1 - i) + ".";
    if (const auto [j, in_block] = index_after(in_level, "block."); j >= 0) {
      return level + "resnets." + std::to_string(j) + "." + resnet_rest(in_block);
    }
    const std::string sampler = down ? "downsample.conv." : "upsample.conv.";
    if (has_prefix(in_level, sampler)) {
      return level + (down ? "downsamplers.0.conv." : "upsamplers.0.conv.") +
             in_level.substr(sampler.size());
    }
  }
  return name;
}

}  // namespace ldm_vae_names_detail

std::map<std::string, torch::Tensor> ldm_vae_to_diffusers(
    const std::map<std::string, torch::Tensor>& tensors, int levels) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, tensor] : tensors) {
    const std::string renamed = ldm_vae_names_detail::vae_name(name, levels);
    // The mid attention's 1×1 convolutions [C, C, 1, 1] are Linear weights [C, C] in diffusers
    // (update_vae_attentions_ldm_to_diffusers).
    const bool conv_as_linear = renamed.find("mid_block.attentions.0.to_") != std::string::npos &&
                                tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1;
    out[renamed] = conv_as_linear ? tensor.flatten(1) : tensor;
  }
  return out;
}

}  // namespace emergence
