#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emergence {

// diffusers' AutoencoderKL config.json (defaults are AutoencoderKL.__init__'s; SD 1/2's VAE sets
// block_out_channels [128, 256, 512, 512], layers_per_block 2, four blocks of each type).
struct AutoencoderKLConfig {
  int in_channels = 3;
  int out_channels = 3;
  std::vector<std::string> down_block_types = {"DownEncoderBlock2D"};
  std::vector<std::string> up_block_types = {"UpDecoderBlock2D"};
  std::vector<int> block_out_channels = {64};
  int layers_per_block = 1;
  std::string act_fn = "silu";
  int latent_channels = 4;
  int norm_num_groups = 32;
  int sample_size = 32;  // only diffusers' tiling reads it
  // Latents the UNet sees are z · scaling_factor (Rombach et al. 2022, §4.3.2 and D.1).
  double scaling_factor = 0.18215;
  std::optional<double> shift_factor;  // must be unset or 0: SD 1/2 VAEs do not shift
  bool force_upcast = true;            // float16 only; float32 runs ignore it
  bool use_quant_conv = true;
  bool use_post_quant_conv = true;
  bool mid_block_add_attention = true;
};

// Reads a config.json; missing keys keep their defaults. Wrong types, unsupported block types,
// a shift_factor, latents_mean/latents_std and values the model cannot be built from are an
// Error naming the key.
AutoencoderKLConfig autoencoder_kl_config_from_json(const nlohmann::json& json);
// A diffusers-loadable config.json ("_class_name": "AutoencoderKL").
nlohmann::json to_json(const AutoencoderKLConfig& config);
// Throws an Error naming the first inconsistent field.
void validate(const AutoencoderKLConfig& config);

}  // namespace emergence
