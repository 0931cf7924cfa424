#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace emergence {

// Moves each image of a [B, C, H, W] batch by its own random whole-pixel offset in
// [−max_shift, max_shift] along each axis, filling the uncovered border by replicating the edge
// (emoji sit on a plain background, so the edge is background). No flips: emoji are not
// mirror-symmetric (text, arrows, flags).
torch::Tensor random_shift(const torch::Tensor& batch, int max_shift, at::Generator& generator);

}  // namespace emergence
