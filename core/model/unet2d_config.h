#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emergence {

// diffusers' UNet2DModel config.json, field for field (defaults are UNet2DModel.__init__'s).
struct UNet2DConfig {
  int sample_size = 32;  // square images; null in the file keeps 32
  int in_channels = 3;
  int out_channels = 3;
  bool center_input_sample = false;
  std::string time_embedding_type = "positional";  // "positional" or "fourier"
  std::optional<int> time_embedding_dim;           // null: 4 · block_out_channels[0]
  int freq_shift = 0;
  bool flip_sin_to_cos = true;
  std::vector<std::string> down_block_types = {"DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D",
                                               "AttnDownBlock2D"};
  std::optional<std::string> mid_block_type = std::string("UNetMidBlock2D");
  std::vector<std::string> up_block_types = {"AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D",
                                             "UpBlock2D"};
  std::vector<int> block_out_channels = {224, 448, 672, 896};
  int layers_per_block = 2;
  double mid_block_scale_factor = 1.0;
  int downsample_padding = 1;
  std::string downsample_type = "conv";  // "conv" or "resnet" (attention blocks only)
  std::string upsample_type = "conv";
  double dropout = 0.0;
  std::string act_fn = "silu";
  std::optional<int> attention_head_dim = 8;  // null: one head over all channels
  int norm_num_groups = 32;
  std::optional<int> attn_norm_num_groups;
  double norm_eps = 1e-5;
  std::string resnet_time_scale_shift = "default";  // "default" or "scale_shift"
  bool add_attention = true;
  std::optional<std::string> class_embed_type;  // null, "timestep" or "identity"
  std::optional<int> num_class_embeds;
  std::optional<int> num_train_timesteps;

  // 4 · block_out_channels[0] unless time_embedding_dim says otherwise.
  int time_embed_dim() const;
};

// Reads a config.json; missing keys keep their defaults, wrong types and values that the model
// cannot be built from are an Error naming the key.
UNet2DConfig unet2d_config_from_json(const nlohmann::json& json);
// A diffusers-loadable config.json ("_class_name": "UNet2DModel").
nlohmann::json to_json(const UNet2DConfig& config);
// Throws an Error naming the first inconsistent field.
void validate(const UNet2DConfig& config);
// google/ddpm-cifar10-32's architecture (Ho et al. 2020's CIFAR-10 UNet, 35.7M parameters) at a
// given resolution: the benchmarks' reference network.
UNet2DConfig ddpm_cifar10_config(int sample_size = 32);

}  // namespace emergence
