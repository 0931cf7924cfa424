#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace emergence {

// diffusers' AutoencoderTiny config.json (defaults are AutoencoderTiny.__init__'s: madebyollin's
// TAESD for SD 1/2 and SDXL latents). latent_magnitude, latent_shift (8-bit latent storage only),
// block_out_channels (a copy diffusers registers) and force_upcast are read by nothing here.
struct AutoencoderTinyConfig {
  int in_channels = 3;
  int out_channels = 3;
  std::vector<int> encoder_block_out_channels = {64, 64, 64, 64};
  std::vector<int> decoder_block_out_channels = {64, 64, 64, 64};
  std::string act_fn = "relu";
  std::string upsample_fn = "nearest";
  int latent_channels = 4;
  int upsampling_scaling_factor = 2;
  std::vector<int> num_encoder_blocks = {1, 3, 3, 3};
  std::vector<int> num_decoder_blocks = {3, 3, 3, 1};
  // TAESD works on the latents the UNet sees, hence 1.0; pipelines divide by it before decode.
  double scaling_factor = 1.0;
  double shift_factor = 0.0;  // must be 0: only SD3/Flux-style tiny autoencoders shift
};

// Reads a config.json; missing keys keep their defaults. Wrong types and values the model cannot
// be built from are an Error naming the key.
AutoencoderTinyConfig autoencoder_tiny_config_from_json(const nlohmann::json& json);
// A diffusers-loadable config.json ("_class_name": "AutoencoderTiny").
nlohmann::json to_json(const AutoencoderTinyConfig& config);
// Throws an Error naming the first inconsistent field.
void validate(const AutoencoderTinyConfig& config);

}  // namespace emergence
