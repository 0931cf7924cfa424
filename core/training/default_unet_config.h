#pragma once

#include <vector>

#include "core/model/unet2d_config.h"

namespace emergence {

// The built-in model's UNet, chosen for quality per CPU-hour on 32 px images: one resnet per
// level on the way down (diffusers' default is two), attention only at the coarsest level and in
// the middle, GroupNorm with 8 groups (32 groups would leave one channel per group at 32
// channels). `channels` are the block widths, one level per entry; `num_classes` > 0 adds a class
// table with one extra, null, class for classifier-free guidance.
UNet2DConfig default_unet_config(int resolution, int image_channels,
                                 const std::vector<int>& channels, int num_classes);

}  // namespace emergence
