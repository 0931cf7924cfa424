#include "autoencoder_kl_config.h"

#include <cmath>

#include "autoencoder_config_reader.h"
#include "core/error.h"

namespace emergence {
namespace kl_config {

// The widest SD-family VAE uses 512 channels; the bounds keep sizes far from int overflow and
// impossible allocations, as UNet2DConfig's do.
constexpr int kMaxChannels = 16384;
constexpr int kMaxLevels = 16;
constexpr int kMaxLayers = 64;
const std::vector<std::string> kActivations = {"silu", "swish", "mish", "gelu", "relu"};

[[noreturn]] void fail(const std::string& message) {
  throw Error("AutoencoderKL config: " + message);
}

void check_range(int value, int lo, int hi, const std::string& key) {
  if (value < lo || value > hi) {
    fail(key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " +
         std::to_string(value) + ")");
  }
}

void check_types(const std::vector<std::string>& types, const char* key, const char* supported) {
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i] != supported) {
      fail(std::string(key) + "[" + std::to_string(i) + "] is '" + types[i] + "'; only " +
           supported + " is supported");
    }
  }
}

}  // namespace kl_config

void validate(const AutoencoderKLConfig& c) {
  const size_t levels = c.block_out_channels.size();
  if (levels == 0 || levels > static_cast<size_t>(kl_config::kMaxLevels)) {
    kl_config::fail("block_out_channels must have 1 to " + std::to_string(kl_config::kMaxLevels) +
                    " entries (got " + std::to_string(levels) + ")");
  }
  if (c.down_block_types.size() != levels || c.up_block_types.size() != levels) {
    kl_config::fail(
        "down_block_types, up_block_types and block_out_channels must have the same length");
  }
  kl_config::check_types(c.down_block_types, "down_block_types", "DownEncoderBlock2D");
  kl_config::check_types(c.up_block_types, "up_block_types", "UpDecoderBlock2D");
  kl_config::check_range(c.in_channels, 1, kl_config::kMaxChannels, "in_channels");
  kl_config::check_range(c.out_channels, 1, kl_config::kMaxChannels, "out_channels");
  kl_config::check_range(c.latent_channels, 1, kl_config::kMaxChannels, "latent_channels");
  kl_config::check_range(c.layers_per_block, 1, kl_config::kMaxLayers, "layers_per_block");
  kl_config::check_range(c.norm_num_groups, 1, kl_config::kMaxChannels, "norm_num_groups");
  kl_config::check_range(c.sample_size, 1, 1 << 16, "sample_size");
  for (int channels : c.block_out_channels) {
    kl_config::check_range(channels, 1, kl_config::kMaxChannels, "every block_out_channels entry");
    if (channels % c.norm_num_groups != 0) {
      kl_config::fail("every block_out_channels entry must be a multiple of norm_num_groups (" +
                      std::to_string(c.norm_num_groups) + "; got " + std::to_string(channels) +
                      ")");
    }
  }
  bool known_activation = false;
  for (const std::string& name : kl_config::kActivations) {
    known_activation |= c.act_fn == name;
  }
  if (!known_activation) {
    kl_config::fail("act_fn '" + c.act_fn + "' is not supported (silu, swish, mish, gelu, relu)");
  }
  if (!std::isfinite(c.scaling_factor) || c.scaling_factor <= 0) {
    kl_config::fail("scaling_factor must be a positive number");
  }
  if (c.shift_factor && *c.shift_factor != 0.0) {
    kl_config::fail(
        "shift_factor " + std::to_string(*c.shift_factor) +
        " is not supported (SD 1/2 VAEs have none; shifted latents belong to SD3/Flux-style "
        "VAEs)");
  }
}

AutoencoderKLConfig autoencoder_kl_config_from_json(const nlohmann::json& j) {
  const AutoencoderConfigReader r(j, "AutoencoderKL config", "AutoencoderKL");
  AutoencoderKLConfig c;
  r.read("in_channels", c.in_channels);
  r.read("out_channels", c.out_channels);
  r.read("down_block_types", c.down_block_types);
  r.read("up_block_types", c.up_block_types);
  r.read("block_out_channels", c.block_out_channels);
  r.read("layers_per_block", c.layers_per_block);
  r.read("act_fn", c.act_fn);
  r.read("latent_channels", c.latent_channels);
  r.read("norm_num_groups", c.norm_num_groups);
  r.read_size("sample_size", c.sample_size);
  r.read("scaling_factor", c.scaling_factor);
  r.read("shift_factor", c.shift_factor);
  // Per-channel latent statistics replace the single scaling factor (Playground v2.5, SDXL-style
  // pipelines); a pipeline that ignored them would decode wrongly scaled latents.
  r.require_null("latents_mean", "per-channel latent statistics are not supported");
  r.require_null("latents_std", "per-channel latent statistics are not supported");
  r.read("force_upcast", c.force_upcast);
  r.read("use_quant_conv", c.use_quant_conv);
  r.read("use_post_quant_conv", c.use_post_quant_conv);
  r.read("mid_block_add_attention", c.mid_block_add_attention);
  validate(c);
  return c;
}

nlohmann::json to_json(const AutoencoderKLConfig& c) {
  return {
      {"_class_name", "AutoencoderKL"},
      {"_diffusers_version", "0.35.2"},
      {"in_channels", c.in_channels},
      {"out_channels", c.out_channels},
      {"down_block_types", c.down_block_types},
      {"up_block_types", c.up_block_types},
      {"block_out_channels", c.block_out_channels},
      {"layers_per_block", c.layers_per_block},
      {"act_fn", c.act_fn},
      {"latent_channels", c.latent_channels},
      {"norm_num_groups", c.norm_num_groups},
      {"sample_size", c.sample_size},
      {"scaling_factor", c.scaling_factor},
      {"shift_factor", c.shift_factor ? nlohmann::json(*c.shift_factor) : nlohmann::json(nullptr)},
      {"latents_mean", nullptr},
      {"latents_std", nullptr},
      {"force_upcast", c.force_upcast},
      {"use_quant_conv", c.use_quant_conv},
      {"use_post_quant_conv", c.use_post_quant_conv},
      {"mid_block_add_attention", c.mid_block_add_attention}};
}

}  // namespace emergence
