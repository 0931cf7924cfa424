#include "default_unet_config.h"

#include <algorithm>

#include "core/error.h"

namespace emergence {

UNet2DConfig default_unet_config(int resolution, int image_channels,
                                 const std::vector<int>& channels, int num_classes) {
  if (channels.size() < 2 || channels.size() > 5) {
    throw Error("--channels needs 2 to 5 comma-separated widths, got " +
                std::to_string(channels.size()));
  }
  UNet2DConfig config;
  config.sample_size = resolution;
  config.in_channels = image_channels;
  config.out_channels = image_channels;
  config.block_out_channels = channels;
  config.layers_per_block = 1;
  config.norm_num_groups = 8;
  // 32-wide heads (4 heads at 128 channels); the config check also bounds it by the narrowest
  // block.
  config.attention_head_dim = std::min(32, *std::min_element(channels.begin(), channels.end()));
  config.down_block_types.assign(channels.size(), "DownBlock2D");
  config.up_block_types.assign(channels.size(), "UpBlock2D");
  config.down_block_types.back() = "AttnDownBlock2D";
  config.up_block_types.front() = "AttnUpBlock2D";
  for (const int width : channels) {
    if (width < 8 || width % 8 != 0) {
      throw Error(
          "--channels widths must be positive multiples of 8 (GroupNorm with 8 groups), "
          "got " +
          std::to_string(width));
    }
  }
  if (num_classes > 0) {
    config.num_class_embeds = num_classes + 1;
  }
  validate(config);
  return config;
}

}  // namespace emergence
