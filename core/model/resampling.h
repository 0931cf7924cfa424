#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <array>
#include <optional>
#include <vector>

#include "packed_conv.h"

namespace emergence {

// diffusers Downsample2D(use_conv=True, name="op"): a stride-2 3×3 convolution; padding 0 means
// an asymmetric (0, 1, 0, 1) zero pad first, as in the original DDPM code.
class Downsample2DImpl : public torch::nn::Module {
 public:
  Downsample2DImpl(int64_t channels, int64_t padding);
  torch::Tensor forward(const torch::Tensor& x, bool fast) const;

 private:
  int64_t padding_;
  PackedConv2d conv;
};
TORCH_MODULE(Downsample2D);

// diffusers Upsample2D(use_conv=True): nearest-neighbour ×2, or to output_size (the size of the
// skip it meets, which is not 2× where a downsampler rounded an odd size up), then a 3×3
// convolution.
class Upsample2DImpl : public torch::nn::Module {
 public:
  explicit Upsample2DImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x, bool fast,
                        std::optional<std::array<int64_t, 2>> output_size = std::nullopt) const;

 private:
  PackedConv2d conv;
};
TORCH_MODULE(Upsample2D);

// The spatial size of the next skip an up block's upsampler must meet (diffusers
// UNet2DConditionModel's upsample_size), or nothing after the last one.
std::optional<std::array<int64_t, 2>> next_skip_size(const std::vector<torch::Tensor>& skips);

}  // namespace emergence
