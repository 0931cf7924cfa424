#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace emergence {

struct CrossAttentionOptions {
  int64_t query_dim = 0;
  int64_t context_dim = 0;  // 0: self-attention (keys and values from the queries' input)
  int64_t heads = 1;
  int64_t head_dim = 0;
  bool upcast = false;  // diffusers upcast_attention: scores in float32 for half-precision inputs
};

// diffusers Attention as BasicTransformerBlock builds it (attention_bias False, out_bias True),
// run as AttnProcessor runs it: to_q/to_k/to_v without bias, multi-head softmax(QKᵀ/√d)·V, then
// to_out.0. State-dict names to_q, to_k, to_v, to_out.0.
class CrossAttentionImpl : public torch::nn::Module {
 public:
  explicit CrossAttentionImpl(const CrossAttentionOptions& options);
  // x [B, T, query_dim]; context [B, S, context_dim], or undefined for self-attention.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context) const;

 private:
  CrossAttentionOptions options_;
  torch::nn::Linear to_q{nullptr};
  torch::nn::Linear to_k{nullptr};
  torch::nn::Linear to_v{nullptr};
  torch::nn::ModuleList to_out{nullptr};
  torch::nn::Linear out_projection{nullptr};
};
TORCH_MODULE(CrossAttention);

}  // namespace emergence
