#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "packed_conv.h"
#include "timestep_embedding.h"
#include "unet2d_blocks.h"
#include "unet2d_condition_blocks.h"
#include "unet2d_condition_config.h"

namespace emergence {

// diffusers UNet2DConditionModel (the Stable Diffusion 1.x/2.x denoiser) rebuilt from its
// config.json. named_parameters() are exactly diffusers' state-dict names
// ("down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight", …), so weights load by
// name with copy_module_weights. Parameters start with libtorch's default initialisation.
class UNet2DConditionModelImpl : public torch::nn::Module {
 public:
  explicit UNet2DConditionModelImpl(const UNet2DConditionConfig& config);

  // The `.sample` of diffusers' forward: sample [B, C, H, W] with H and W multiples of
  // 2^(levels − 1), timesteps [B], [1] or [] (any dtype), encoder_hidden_states
  // [B, T, cross_attention_dim]. Inputs that do not fit are an Error saying which and why.
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                        const torch::Tensor& encoder_hidden_states);

  const UNet2DConditionConfig& config() const { return config_; }
  // Inference shortcuts (packed convolution weights, in-place ops, 1×1 convs as matrix products).
  // They only apply while autograd is off; results agree with the plain path to float rounding.
  void set_fast_inference(bool enabled) { fast_ = enabled; }
  bool fast_inference() const { return fast_; }

 private:
  void check_inputs(const torch::Tensor& sample, const torch::Tensor& timesteps,
                    const torch::Tensor& context) const;

  // A down or up level is either a CrossAttn block or a plain one.
  struct DownLevel {
    DownBlock plain{nullptr};
    CrossAttnDownBlock cross{nullptr};
  };
  struct UpLevel {
    UpBlock plain{nullptr};
    CrossAttnUpBlock cross{nullptr};
  };

  UNet2DConditionConfig config_;
  bool fast_ = true;
  PackedConv2d conv_in;
  TimestepEmbedding time_embedding{nullptr};
  std::vector<DownLevel> down_levels_;
  CrossAttnMidBlock mid_block{nullptr};
  std::vector<UpLevel> up_levels_;
  torch::nn::GroupNorm conv_norm_out{nullptr};
  PackedConv2d conv_out;
};
TORCH_MODULE(UNet2DConditionModel);

// Number of scalar parameters (what diffusers' num_parameters() reports).
int64_t parameter_count(UNet2DConditionModelImpl& model);

}  // namespace emergence
