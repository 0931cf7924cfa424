#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

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

// diffusers Upsample2D(use_conv=True): nearest-neighbour ×2, then a 3×3 convolution.
class Upsample2DImpl : public torch::nn::Module {
 public:
  explicit Upsample2DImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x, bool fast) const;

 private:
  PackedConv2d conv;
};
TORCH_MODULE(Upsample2D);

}  // namespace emergence
