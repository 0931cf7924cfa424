#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <optional>

namespace emergence {

struct AttentionBlockOptions {
  int64_t channels = 0;
  int64_t head_dim = 0;                // channels / head_dim heads (integer division, as diffusers)
  std::optional<int64_t> norm_groups;  // no GroupNorm when empty
  double eps = 1e-6;
  double rescale_output_factor = 1.0;
};

// Spatial self-attention of the UNet (diffusers Attention with residual_connection=True, as built
// from the deprecated AttentionBlock, run by AttnProcessor): softmax(QKᵀ/√d)·V over H·W tokens.
// State-dict names group_norm, to_q, to_k, to_v, to_out.0.
class AttentionBlockImpl : public torch::nn::Module {
 public:
  explicit AttentionBlockImpl(const AttentionBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& x, bool fast) const;

 private:
  AttentionBlockOptions options_;
  int64_t heads_ = 1;
  torch::nn::GroupNorm group_norm{nullptr};
  torch::nn::Linear to_q{nullptr};
  torch::nn::Linear to_k{nullptr};
  torch::nn::Linear to_v{nullptr};
  torch::nn::ModuleList to_out{nullptr};
  torch::nn::Linear out_projection{nullptr};
};
TORCH_MODULE(AttentionBlock);

}  // namespace emergence
