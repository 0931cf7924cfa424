#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "basic_transformer_block.h"

namespace emergence {

struct Transformer2DOptions {
  int64_t channels = 0;
  int64_t heads = 1;   // of channels / heads each (integer division, as diffusers)
  int64_t layers = 1;  // transformer_layers_per_block
  int64_t context_dim = 0;
  int64_t groups = 32;
  bool use_linear_projection = false;
  bool only_cross_attention = false;
  bool upcast_attention = false;
};

// diffusers Transformer2DModel on continuous input (the SpatialTransformer of Rombach et al.
// 2022): GroupNorm (eps 1e-6) -> proj_in (a 1×1 convolution before flattening to [B, H·W, C], or
// a Linear after it under use_linear_projection) -> BasicTransformerBlocks -> proj_out (likewise)
// -> + input. State-dict names norm, proj_in, transformer_blocks.N, proj_out.
class Transformer2DImpl : public torch::nn::Module {
 public:
  explicit Transformer2DImpl(const Transformer2DOptions& options);
  // x [B, C, H, W], context [B, S, context_dim] -> [B, C, H, W].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, bool fast) const;

 private:
  // The diffusers order of operations, and the fast one (a GEMM per batch item on transposed
  // views, so that no layout change costs a copy).
  torch::Tensor plain_forward(const torch::Tensor& x, const torch::Tensor& context) const;
  torch::Tensor fast_forward(const torch::Tensor& x, const torch::Tensor& context) const;

  Transformer2DOptions options_;
  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Conv2d conv_proj_in_{nullptr};
  torch::nn::Linear linear_proj_in_{nullptr};
  std::vector<BasicTransformerBlock> blocks_;
  torch::nn::Conv2d conv_proj_out_{nullptr};
  torch::nn::Linear linear_proj_out_{nullptr};
};
TORCH_MODULE(Transformer2D);

}  // namespace emergence
