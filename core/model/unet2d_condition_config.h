#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace emergence {

// diffusers' UNet2DConditionModel config.json, for the Stable Diffusion 1.x/2.x family. Defaults
// are UNet2DConditionModel.__init__'s (v0.35.2). Fields that diffusers accepts as an int or a
// per-block list are lists here: one entry applies to every down block, as a bare int does.
// Keys that only change block types we refuse (resnet_skip_time_act, cross_attention_norm, …)
// are not kept; keys that would change what the model computes and that SD 1/2 never set are
// refused by unet2d_condition_config_from_json.
struct UNet2DConditionConfig {
  std::optional<int> sample_size;  // the latent size the model was trained at (64 for SD 1.5)
  int in_channels = 4;
  int out_channels = 4;
  bool center_input_sample = false;
  bool flip_sin_to_cos = true;
  int freq_shift = 0;
  std::vector<std::string> down_block_types = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                               "CrossAttnDownBlock2D", "DownBlock2D"};
  std::optional<std::string> mid_block_type = std::string("UNetMidBlock2DCrossAttn");
  std::vector<std::string> up_block_types = {"UpBlock2D", "CrossAttnUpBlock2D",
                                             "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"};
  std::vector<bool> only_cross_attention = {false};
  std::vector<int> block_out_channels = {320, 640, 1280, 1280};
  std::vector<int> layers_per_block = {2};
  int downsample_padding = 1;
  double mid_block_scale_factor = 1.0;
  double dropout = 0.0;  // training only
  std::string act_fn = "silu";
  int norm_num_groups = 32;
  double norm_eps = 1e-5;
  int cross_attention_dim = 1280;  // a per-block list is accepted when all its entries agree
  std::vector<int> transformer_layers_per_block = {1};
  // The number of heads, not their size (diffusers issue #2011: num_attention_heads defaults to
  // attention_head_dim). SD 1: 8; SD 2: [5, 10, 20, 20].
  std::vector<int> attention_head_dim = {8};
  bool use_linear_projection = false;  // SD 2: Linear proj_in/out instead of 1×1 convolutions
  bool upcast_attention = false;       // attention scores in float32 for half-precision weights
  std::string resnet_time_scale_shift = "default";  // or "scale_shift"
  std::optional<int> time_embedding_dim;            // null: 4 · block_out_channels[0]
  int conv_in_kernel = 3;
  int conv_out_kernel = 3;
  std::optional<bool> mid_block_only_cross_attention;  // read by no supported mid block

  // The per-block values of the list fields, for down block `block`.
  int heads(size_t block) const;
  int layers(size_t block) const;
  int transformer_layers(size_t block) const;
  bool only_cross(size_t block) const;
  // 4 · block_out_channels[0] unless time_embedding_dim says otherwise.
  int time_embed_dim() const;
};

// Reads a config.json; missing keys keep diffusers' defaults. Wrong types, values the model cannot
// be built from, and features outside SD 1/2 (SDXL's addition_embed_type "text_time", class
// embeddings, encoder_hid_dim, …) are an Error naming the key.
UNet2DConditionConfig unet2d_condition_config_from_json(const nlohmann::json& json);
// A diffusers-loadable config.json ("_class_name": "UNet2DConditionModel").
nlohmann::json to_json(const UNet2DConditionConfig& config);
// Throws an Error naming the first inconsistent field.
void validate(const UNet2DConditionConfig& config);
// runwayml/stable-diffusion-v1-5's unet/config.json: the ≈860 M-parameter SD 1.5 architecture.
UNet2DConditionConfig sd15_unet_config();

}  // namespace emergence
