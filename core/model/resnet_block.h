#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "layer_ops.h"
#include "packed_conv.h"

namespace emergence {

struct ResnetBlockOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t temb_channels = 0;
  int64_t groups = 32;
  double eps = 1e-6;
  Activation activation = Activation::SiLU;
  bool scale_shift = false;  // resnet_time_scale_shift "scale_shift" rather than "default"
  double output_scale_factor = 1.0;
  enum class Resample { None, Up, Down } resample = Resample::None;
};

// diffusers ResnetBlock2D: norm1 -> act -> [resample] -> conv1 -> + time embedding (or its
// scale/shift after norm2) -> norm2 -> act -> conv2, plus a (1×1 projected) skip connection.
class ResnetBlock2DImpl : public torch::nn::Module {
 public:
  explicit ResnetBlock2DImpl(const ResnetBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb, bool fast) const;

 private:
  torch::Tensor resample(const torch::Tensor& x) const;

  ResnetBlockOptions options_;
  torch::nn::GroupNorm norm1{nullptr};
  PackedConv2d conv1;
  torch::nn::Linear time_emb_proj{nullptr};
  torch::nn::GroupNorm norm2{nullptr};
  PackedConv2d conv2;
  PackedConv2d conv_shortcut;
};
TORCH_MODULE(ResnetBlock2D);

}  // namespace emergence
