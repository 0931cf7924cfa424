#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "cross_attention.h"

namespace emergence {

struct BasicTransformerBlockOptions {
  int64_t dim = 0;
  int64_t heads = 1;
  int64_t head_dim = 0;
  int64_t context_dim = 0;            // cross_attention_dim: the width of the text embeddings
  bool only_cross_attention = false;  // attn1 attends to the context too
  bool upcast_attention = false;
};

// diffusers BasicTransformerBlock with norm_type "layer_norm" and activation_fn "geglu" (the
// transformer layer of Rombach et al. 2022's LDM UNet): x += attn1(norm1(x)) (self-attention),
// x += attn2(norm2(x), context) (cross-attention), x += ff(norm3(x)), LayerNorms with eps 1e-5.
// The feed-forward is GEGLU (Shazeer 2020, eq. 6): ff.net.0.proj to 2·4·dim, the first half the
// value and the second half through exact GELU the gate, then ff.net.2 back to dim.
class BasicTransformerBlockImpl : public torch::nn::Module {
 public:
  explicit BasicTransformerBlockImpl(const BasicTransformerBlockOptions& options);
  // x [B, T, dim], context [B, S, context_dim] -> [B, T, dim].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, bool fast) const;

 private:
  torch::Tensor feed_forward(const torch::Tensor& x, bool in_place) const;

  BasicTransformerBlockOptions options_;
  torch::nn::LayerNorm norm1{nullptr};
  CrossAttention attn1{nullptr};
  torch::nn::LayerNorm norm2{nullptr};
  CrossAttention attn2{nullptr};
  torch::nn::LayerNorm norm3{nullptr};
  torch::nn::Linear geglu_proj_{nullptr};  // ff.net.0.proj
  torch::nn::Linear ff_out_{nullptr};      // ff.net.2
};
TORCH_MODULE(BasicTransformerBlock);

}  // namespace emergence
