#include "ldm_configs.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/error.h"

namespace emergence {
namespace ldm_configs_detail {

using Tensors = std::map<std::string, torch::Tensor>;

bool begins_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// tensors[name], with `dims` dimensions unless dims < 0.
const torch::Tensor& tensor_of(const std::string& path, const Tensors& tensors,
                               const std::string& prefix, const std::string& name, int64_t dims) {
  const auto found = tensors.find(name);
  if (found == tensors.end()) {
    throw Error(path + " has no tensor " + prefix + name + ", which a Stable Diffusion " +
                "checkpoint has");
  }
  if (dims >= 0 && found->second.dim() != dims) {
    std::ostringstream shape;
    shape << found->second.sizes();
    throw Error(path + ": tensor " + prefix + name + " has shape " + shape.str() + "; expected " +
                std::to_string(dims) + " dimensions");
  }
  return found->second;
}

// The distinct N of names "<prefix>N.…".
std::set<int> indices_after(const Tensors& tensors, const std::string& prefix) {
  std::set<int> out;
  for (auto it = tensors.lower_bound(prefix); it != tensors.end() && begins_with(it->first, prefix);
       ++it) {
    const std::string rest = it->first.substr(prefix.size());
    const size_t dot = rest.find('.');
    if (dot != std::string::npos && dot > 0 && dot <= 6 &&
        rest.find_first_not_of("0123456789") == dot) {
      out.insert(std::stoi(rest.substr(0, dot)));
    }
  }
  return out;
}

// 0..n−1 present, and n: a file with holes in its numbering is not one the layout describes.
int count_of(const std::string& path, const Tensors& tensors, const std::string& prefix,
             const std::string& shown) {
  const std::set<int> found = indices_after(tensors, prefix);
  const int n = found.empty() ? 0 : *found.rbegin() + 1;
  if (static_cast<int>(found.size()) != n || n == 0) {
    throw Error(path + ": the blocks " + shown + prefix + "N are not numbered 0.." +
                std::to_string(std::max(n - 1, 0)) + " without gaps");
  }
  return n;
}

bool has_any(const Tensors& tensors, const std::string& prefix) {
  const auto it = tensors.lower_bound(prefix);
  return it != tensors.end() && begins_with(it->first, prefix);
}

int heads_of_64_channels(int channels) { return std::max(1, channels / 64); }

// validate(config), its Error naming the file and the part.
template <typename Config>
void validate_part(const std::string& path, const std::string& part, const Config& config) {
  try {
    validate(config);
  } catch (const Error& e) {
    throw Error(path + ": the " + part + " its shapes describe cannot be built: " + e.what());
  }
}

}  // namespace ldm_configs_detail

using ldm_configs_detail::Tensors;

UNet2DConditionConfig unet_config_from_ldm(const std::string& path, const Tensors& unet,
                                           LdmFamily family) {
  namespace d = ldm_configs_detail;
  const std::string p = "model.diffusion_model.";
  const torch::Tensor& conv_in = d::tensor_of(path, unet, p, "input_blocks.0.0.weight", 4);
  const int inputs = d::count_of(path, unet, "input_blocks.", p);
  // Each level is L resnets (+ attentions) then a downsampler, the last level without one
  // (openaimodel.py UNetModel.__init__), so the first ".0.op" is input block L + 1.
  int per_level = inputs;
  for (int k = 1; k < inputs; ++k) {
    if (unet.count("input_blocks." + std::to_string(k) + ".0.op.weight")) {
      per_level = k;
      break;
    }
  }
  if (per_level < 2 || inputs % per_level != 0) {
    throw Error(path + ": " + std::to_string(inputs) + " input blocks do not make levels of " +
                "resnets each followed by a downsampler");
  }
  UNet2DConditionConfig c;
  c.in_channels = static_cast<int>(conv_in.size(1));
  c.out_channels = static_cast<int>(d::tensor_of(path, unet, p, "out.2.weight", 4).size(0));
  c.layers_per_block = {per_level - 1};
  c.norm_num_groups = 32;  // LDM's normalization(): GroupNorm32(32, channels)
  c.down_block_types.clear();
  c.up_block_types.clear();
  c.block_out_channels.clear();
  c.attention_head_dim.clear();
  c.transformer_layers_per_block.clear();
  const int levels = inputs / per_level;
  for (int level = 0; level < levels; ++level) {
    const std::string first = "input_blocks." + std::to_string(1 + level * per_level);
    const int channels =
        static_cast<int>(d::tensor_of(path, unet, p, first + ".0.out_layers.3.weight", 4).size(0));
    const bool attends = d::has_any(unet, first + ".1.");
    c.block_out_channels.push_back(channels);
    c.down_block_types.push_back(attends ? "CrossAttnDownBlock2D" : "DownBlock2D");
    c.attention_head_dim.push_back(family == LdmFamily::Sd1 ? 8
                                                            : d::heads_of_64_channels(channels));
    c.transformer_layers_per_block.push_back(
        attends ? d::count_of(path, unet, first + ".1.transformer_blocks.", p) : 1);
    const std::string up = "output_blocks." + std::to_string(level * per_level) + ".1.";
    c.up_block_types.push_back(d::has_any(unet, up + "proj_in.") ? "CrossAttnUpBlock2D"
                                                                 : "UpBlock2D");
  }
  if (!d::has_any(unet, "middle_block.1.")) {
    throw Error(path + " has no middle_block.1 (a UNet without its middle attention, such as " +
                "the distilled BK-SDM ones), which Emergence does not read");
  }
  // SD 2's proj_in is a Linear [C, C] (use_linear_in_transformer), SD 1's a 1×1 conv.
  c.use_linear_projection =
      d::tensor_of(path, unet, p, "middle_block.1.proj_in.weight", -1).dim() == 2;
  // SD 2.1 overflows in half-precision attention without it (diffusers'
  // convert_original_stable_diffusion_to_diffusers.py --upcast_attention: "necessary when running
  // stable diffusion 2.1"); float32 runs are unchanged by it.
  c.upcast_attention = family == LdmFamily::Sd2;
  c.cross_attention_dim = static_cast<int>(
      d::tensor_of(path, unet, p, "middle_block.1.transformer_blocks.0.attn2.to_k.weight", 2)
          .size(1));
  // v1-inference.yaml / v2-inference.yaml image_size 64 (512 px); the 768-px v-prediction SD 2
  // models are 96, which the loader sets once the probe has spoken.
  c.sample_size = 64;
  d::validate_part(path, "UNet", c);
  return c;
}

AutoencoderKLConfig vae_config_from_ldm(const std::string& path, const Tensors& vae) {
  namespace d = ldm_configs_detail;
  const std::string p = "first_stage_model.";
  AutoencoderKLConfig c;
  const int levels = d::count_of(path, vae, "encoder.down.", p);
  c.block_out_channels.clear();
  for (int i = 0; i < levels; ++i) {
    c.block_out_channels.push_back(static_cast<int>(
        d::tensor_of(path, vae, p, "encoder.down." + std::to_string(i) + ".block.0.conv2.weight", 4)
            .size(0)));
  }
  c.down_block_types.assign(levels, "DownEncoderBlock2D");
  c.up_block_types.assign(levels, "UpDecoderBlock2D");
  c.layers_per_block = d::count_of(path, vae, "encoder.down.0.block.", p);
  c.in_channels = static_cast<int>(d::tensor_of(path, vae, p, "encoder.conv_in.weight", 4).size(1));
  c.out_channels =
      static_cast<int>(d::tensor_of(path, vae, p, "decoder.conv_out.weight", 4).size(0));
  c.latent_channels =
      static_cast<int>(d::tensor_of(path, vae, p, "decoder.conv_in.weight", 4).size(1));
  c.use_quant_conv = vae.count("quant_conv.weight") > 0;
  c.use_post_quant_conv = vae.count("post_quant_conv.weight") > 0;
  c.mid_block_add_attention = d::has_any(vae, "decoder.mid.attn_1.");
  c.norm_num_groups = 32;
  c.scaling_factor = 0.18215;  // LDM_VAE_DEFAULT_SCALING_FACTOR (scale_factor in both yamls)
  d::validate_part(path, "VAE", c);
  return c;
}

ClipTextConfig text_config_from_ldm(const std::string& path, const Tensors& text,
                                    LdmFamily family) {
  namespace d = ldm_configs_detail;
  const std::string p = family == LdmFamily::Sd1 ? "cond_stage_model.transformer." : "";
  const torch::Tensor& tokens =
      d::tensor_of(path, text, p, "text_model.embeddings.token_embedding.weight", 2);
  ClipTextConfig c;
  c.vocab_size = static_cast<int>(tokens.size(0));
  c.hidden_size = static_cast<int>(tokens.size(1));
  c.max_position_embeddings = static_cast<int>(
      d::tensor_of(path, text, p, "text_model.embeddings.position_embedding.weight", 2).size(0));
  c.num_hidden_layers = d::count_of(path, text, "text_model.encoder.layers.", p);
  c.intermediate_size = static_cast<int>(
      d::tensor_of(path, text, p, "text_model.encoder.layers.0.mlp.fc1.weight", 2).size(0));
  c.num_attention_heads = d::heads_of_64_channels(c.hidden_size);
  // CLIP ViT-L/14 uses QuickGELU; OpenCLIP ViT-H/14 the exact GELU.
  c.hidden_act = family == LdmFamily::Sd1 ? "quick_gelu" : "gelu";
  c.projection_dim = family == LdmFamily::Sd1 ? 768 : 1024;
  d::validate_part(path, "text encoder", c);
  return c;
}

int openclip_layers_used(const std::string& path, const Tensors& openclip) {
  const int blocks = ldm_configs_detail::count_of(path, openclip, "transformer.resblocks.",
                                                  "cond_stage_model.model.");
  if (blocks < 2) {
    throw Error(path + ": an OpenCLIP text tower of " + std::to_string(blocks) +
                " resblock; SD 2 reads the penultimate of at least two");
  }
  return blocks - 1;
}

}  // namespace emergence
