#include "autoencoder_tiny_config.h"

#include <cmath>

#include "autoencoder_config_reader.h"
#include "core/error.h"

namespace emergence {
namespace tiny_config {

constexpr int kMaxChannels = 16384;
constexpr int kMaxLevels = 16;
constexpr int kMaxBlocks = 64;

[[noreturn]] void fail(const std::string& message) {
  throw Error("AutoencoderTiny config: " + message);
}

void check_range(int value, int lo, int hi, const std::string& key) {
  if (value < lo || value > hi) {
    fail(key + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " +
         std::to_string(value) + ")");
  }
}

// EncoderTiny and DecoderTiny feed each stage the previous stage's channels, so diffusers can only
// run a stack whose stages all have one width.
void check_stack(const std::vector<int>& channels, const std::vector<int>& blocks,
                 const std::string& channels_key, const std::string& blocks_key) {
  if (channels.empty() || channels.size() > static_cast<size_t>(kMaxLevels)) {
    fail(channels_key + " must have 1 to " + std::to_string(kMaxLevels) + " entries");
  }
  if (blocks.size() != channels.size()) {
    fail(blocks_key + " must have as many entries as " + channels_key);
  }
  for (size_t i = 0; i < channels.size(); ++i) {
    check_range(channels[i], 1, kMaxChannels, "every " + channels_key + " entry");
    check_range(blocks[i], 0, kMaxBlocks, "every " + blocks_key + " entry");
    if (channels[i] != channels[0]) {
      fail("every " + channels_key +
           " entry must be the same (diffusers' tiny stacks keep one "
           "width; got " +
           std::to_string(channels[0]) + " and " + std::to_string(channels[i]) + ")");
    }
  }
}

}  // namespace tiny_config

void validate(const AutoencoderTinyConfig& c) {
  tiny_config::check_range(c.in_channels, 1, tiny_config::kMaxChannels, "in_channels");
  tiny_config::check_range(c.out_channels, 1, tiny_config::kMaxChannels, "out_channels");
  tiny_config::check_range(c.latent_channels, 1, tiny_config::kMaxChannels, "latent_channels");
  tiny_config::check_stack(c.encoder_block_out_channels, c.num_encoder_blocks,
                           "encoder_block_out_channels", "num_encoder_blocks");
  tiny_config::check_stack(c.decoder_block_out_channels, c.num_decoder_blocks,
                           "decoder_block_out_channels", "num_decoder_blocks");
  tiny_config::check_range(c.upsampling_scaling_factor, 1, 8, "upsampling_scaling_factor");
  if (c.upsample_fn != "nearest") {
    tiny_config::fail("upsample_fn '" + c.upsample_fn + "' is not supported (nearest)");
  }
  if (c.act_fn != "relu" && c.act_fn != "silu" && c.act_fn != "swish" && c.act_fn != "mish" &&
      c.act_fn != "gelu") {
    tiny_config::fail("act_fn '" + c.act_fn + "' is not supported (relu, silu, swish, mish, gelu)");
  }
  if (!std::isfinite(c.scaling_factor) || c.scaling_factor <= 0) {
    tiny_config::fail("scaling_factor must be a positive number");
  }
  if (c.shift_factor != 0.0) {
    tiny_config::fail("shift_factor " + std::to_string(c.shift_factor) +
                      " is not supported (TAESD for SD 1/2 has none; shifted latents belong to "
                      "SD3/Flux-style tiny autoencoders)");
  }
}

AutoencoderTinyConfig autoencoder_tiny_config_from_json(const nlohmann::json& j) {
  const AutoencoderConfigReader r(j, "AutoencoderTiny config", "AutoencoderTiny");
  AutoencoderTinyConfig c;
  r.read("in_channels", c.in_channels);
  r.read("out_channels", c.out_channels);
  r.read("encoder_block_out_channels", c.encoder_block_out_channels);
  r.read("decoder_block_out_channels", c.decoder_block_out_channels);
  r.read("act_fn", c.act_fn);
  r.read("upsample_fn", c.upsample_fn);
  r.read("latent_channels", c.latent_channels);
  r.read("upsampling_scaling_factor", c.upsampling_scaling_factor);
  r.read("num_encoder_blocks", c.num_encoder_blocks);
  r.read("num_decoder_blocks", c.num_decoder_blocks);
  r.read("scaling_factor", c.scaling_factor);
  r.read("shift_factor", c.shift_factor);
  validate(c);
  return c;
}

nlohmann::json to_json(const AutoencoderTinyConfig& c) {
  return {{"_class_name", "AutoencoderTiny"},
          {"_diffusers_version", "0.35.2"},
          {"in_channels", c.in_channels},
          {"out_channels", c.out_channels},
          {"encoder_block_out_channels", c.encoder_block_out_channels},
          {"decoder_block_out_channels", c.decoder_block_out_channels},
          {"act_fn", c.act_fn},
          {"upsample_fn", c.upsample_fn},
          {"latent_channels", c.latent_channels},
          {"upsampling_scaling_factor", c.upsampling_scaling_factor},
          {"num_encoder_blocks", c.num_encoder_blocks},
          {"num_decoder_blocks", c.num_decoder_blocks},
          {"latent_magnitude", 3},
          {"latent_shift", 0.5},
          {"force_upcast", false},
          {"scaling_factor", c.scaling_factor},
          {"shift_factor", c.shift_factor}};
}

}  // namespace emergence
