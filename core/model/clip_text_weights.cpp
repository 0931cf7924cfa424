#include "clip_text_weights.h"

#include <sstream>
#include <utility>

#include "core/error.h"

namespace emergence {
namespace clip_text_weights_detail {

const char kResblocks[] = "transformer.resblocks.";

std::string shape_of(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

// The block index and the rest of "transformer.resblocks.<N>.<rest>", or -1 for other names.
std::pair<long, std::string> resblock_of(const std::string& name) {
  const std::string prefix = kResblocks;
  if (name.compare(0, prefix.size(), prefix) != 0) {
    return {-1, ""};
  }
  const size_t dot = name.find('.', prefix.size());
  const std::string digits = name.substr(prefix.size(), dot - prefix.size());
  if (dot == std::string::npos || digits.empty() || digits.size() > 6 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return {-1, ""};
  }
  return {std::stol(digits), name.substr(dot + 1)};
}

// in_proj_weight [3·D, D] or in_proj_bias [3·D] → its q, k, v thirds (rows), in that order.
void split_in_proj(const std::string& name, const torch::Tensor& t, bool weight,
                   const std::string& target, std::map<std::string, torch::Tensor>& out) {
  const bool fits = weight ? t.dim() == 2 && t.size(0) == 3 * t.size(1) && t.size(1) > 0
                           : t.dim() == 1 && t.size(0) > 0 && t.size(0) % 3 == 0;
  if (!fits) {
    throw Error("OpenCLIP tensor '" + name + "' has shape " + shape_of(t) + "; expected " +
                (weight ? "[3·D, D]" : "[3·D]") + " to split into q, k and v");
  }
  const int64_t d = t.size(0) / 3;
  const char* parts[] = {"q_proj", "k_proj", "v_proj"};
  for (int i = 0; i < 3; ++i) {
    out[target + parts[i] + (weight ? ".weight" : ".bias")] = t.narrow(0, i * d, d).contiguous();
  }
}

}  // namespace clip_text_weights_detail

std::map<std::string, torch::Tensor> openclip_to_transformers_names(
    const std::map<std::string, torch::Tensor>& tensors, int layers) {
  namespace d = clip_text_weights_detail;
  if (layers < 1) {
    throw Error("OpenCLIP text tower: layers must be at least 1 (got " + std::to_string(layers) +
                ")");
  }
  const std::map<std::string, std::string> block_renames = {
      {"ln_1.", "layer_norm1."},
      {"ln_2.", "layer_norm2."},
      {"mlp.c_fc.", "mlp.fc1."},
      {"mlp.c_proj.", "mlp.fc2."},
      {"attn.out_proj.", "self_attn.out_proj."}};
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, tensor] : tensors) {
    if (name == "text_projection" || name == "logit_scale") {
      continue;
    }
    if (name == "token_embedding.weight") {
      out["text_model.embeddings.token_embedding.weight"] = tensor;
    } else if (name == "positional_embedding") {
      if (tensor.dim() != 2) {
        throw Error("OpenCLIP tensor 'positional_embedding' has shape " + d::shape_of(tensor) +
                    "; expected [positions, D]");
      }
      out["text_model.embeddings.position_embedding.weight"] = tensor;
    } else if (name.compare(0, 9, "ln_final.") == 0) {
      out["text_model.final_layer_norm." + name.substr(9)] = tensor;
    } else if (const auto [block, rest] = d::resblock_of(name); block >= 0) {
      if (block >= layers) {
        continue;
      }
      const std::string target = "text_model.encoder.layers." + std::to_string(block) + ".";
      if (rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias") {
        d::split_in_proj(name, tensor, rest == "attn.in_proj_weight", target + "self_attn.", out);
        continue;
      }
      std::string renamed = rest;
      for (const auto& [from, to] : block_renames) {
        if (rest.compare(0, from.size(), from) == 0) {
          renamed = to + rest.substr(from.size());
        }
      }
      out[target + renamed] = tensor;
    } else {
      out[name] = tensor;
    }
  }
  return out;
}

}  // namespace emergence
