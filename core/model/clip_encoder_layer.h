#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include "clip_text_config.h"

namespace emergence {

// x·σ(1.702·x), the GELU approximation CLIP was trained with (openai/CLIP clip/model.py QuickGELU).
torch::Tensor clip_quick_gelu(const torch::Tensor& x);

// One pre-LN transformer block of transformers' CLIPEncoderLayer (modeling_clip.py), under its
// state-dict names: layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2.
class ClipEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderLayerImpl(const ClipTextConfig& config);
  // x [B, T, D] → x + attn(ln1(x)), then + mlp(ln2(·)); mask an additive [T, T] (0 or −inf).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask) const;

 private:
  int64_t heads_ = 1;
  bool quick_gelu_ = true;
  torch::nn::LayerNorm layer_norm1_{nullptr};
  torch::nn::LayerNorm layer_norm2_{nullptr};
  torch::nn::Linear q_proj_{nullptr};
  torch::nn::Linear k_proj_{nullptr};
  torch::nn::Linear v_proj_{nullptr};
  torch::nn::Linear out_proj_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

}  // namespace emergence
