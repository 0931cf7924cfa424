#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "packed_conv.h"
#include "timestep_embedding.h"
#include "unet2d_blocks.h"
#include "unet2d_config.h"

namespace emergence {

// diffusers UNet2DModel rebuilt from its config.json. named_parameters() are exactly the
// diffusers state-dict names ("down_blocks.1.attentions.0.to_q.weight", …), so weights load by
// name. Parameters start with libtorch's default initialisation.
class UNet2DModelImpl : public torch::nn::Module {
 public:
  explicit UNet2DModelImpl(const UNet2DConfig& config);

  // The `.sample` of diffusers' forward: sample [B, C, H, W], timesteps [B] or [] (any dtype),
  // class_labels [B] int64 (or [B, D] float for class_embed_type "identity").
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                        const torch::Tensor& class_labels = {});

  const UNet2DConfig& config() const { return config_; }
  // Inference shortcuts (packed convolution weights, in-place ops, 1×1 convs as matrix products).
  // They only apply while autograd is off; results agree with the plain path to float rounding.
  void set_fast_inference(bool enabled) { fast_ = enabled; }
  bool fast_inference() const { return fast_; }

 private:
  torch::Tensor time_features(const torch::Tensor& timesteps) const;
  torch::Tensor class_embedding_for(const torch::Tensor& class_labels) const;

  UNet2DConfig config_;
  Activation activation_ = Activation::SiLU;
  bool fast_ = true;
  PackedConv2d conv_in;
  GaussianFourierProjection fourier_projection_{nullptr};
  TimestepEmbedding time_embedding{nullptr};
  torch::nn::Embedding class_table_{nullptr};
  TimestepEmbedding class_timestep_embedding_{nullptr};
  std::vector<DownBlock> down_blocks_;
  MidBlock mid_block{nullptr};
  std::vector<UpBlock> up_blocks_;
  torch::nn::GroupNorm conv_norm_out{nullptr};
  PackedConv2d conv_out;
};
TORCH_MODULE(UNet2DModel);

// Number of scalar parameters (what diffusers' num_parameters() reports).
int64_t parameter_count(UNet2DModelImpl& model);

}  // namespace emergence
