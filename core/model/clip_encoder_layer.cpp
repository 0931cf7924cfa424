#include "clip_encoder_layer.h"

#include <ATen/ATen.h>

#include <memory>

#include "layer_ops.h"
#include "multi_head_attention.h"

namespace emergence {

torch::Tensor clip_quick_gelu(const torch::Tensor& x) { return x * at::sigmoid(1.702 * x); }

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& c)
    : heads_(c.num_attention_heads), quick_gelu_(c.hidden_act == "quick_gelu") {
  using namespace torch::nn;
  const int64_t width = c.hidden_size;
  const auto norm = LayerNormOptions({width}).eps(c.layer_norm_eps);
  // Plain modules as containers give the projections transformers' dotted names without a class
  // per level.
  auto self_attn = register_module("self_attn", std::make_shared<Module>());
  auto mlp = register_module("mlp", std::make_shared<Module>());
  layer_norm1_ = register_module("layer_norm1", LayerNorm(norm));
  q_proj_ = self_attn->register_module("q_proj", Linear(width, width));
  k_proj_ = self_attn->register_module("k_proj", Linear(width, width));
  v_proj_ = self_attn->register_module("v_proj", Linear(width, width));
  out_proj_ = self_attn->register_module("out_proj", Linear(width, width));
  layer_norm2_ = register_module("layer_norm2", LayerNorm(norm));
  fc1_ = mlp->register_module("fc1", Linear(width, c.intermediate_size));
  fc2_ = mlp->register_module("fc2", Linear(c.intermediate_size, width));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x,
                                            const torch::Tensor& mask) const {
  const auto& n1 = layer_norm1_->options;
  const torch::Tensor h1 =
      at::layer_norm(x, n1.normalized_shape(), layer_norm1_->weight, layer_norm1_->bias, n1.eps());
  const torch::Tensor attended = multi_head_attention(linear(h1, q_proj_), linear(h1, k_proj_),
                                                      linear(h1, v_proj_), heads_, mask);
  const torch::Tensor y = x + linear(attended, out_proj_);

  const auto& n2 = layer_norm2_->options;
  const torch::Tensor h2 =
      at::layer_norm(y, n2.normalized_shape(), layer_norm2_->weight, layer_norm2_->bias, n2.eps());
  const torch::Tensor inner = linear(h2, fc1_);
  const torch::Tensor activated = quick_gelu_ ? clip_quick_gelu(inner) : at::gelu(inner);
  return y + linear(activated, fc2_);
}

}  // namespace emergence
