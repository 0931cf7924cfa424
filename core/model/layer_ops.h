#pragma once

#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <string>

namespace emergence {

// The activations diffusers' get_activation knows ("swish" is SiLU).
enum class Activation { SiLU, Mish, GELU, ReLU };
Activation parse_activation(const std::string& name);

torch::Tensor activate(const torch::Tensor& x, Activation activation);

// Inference-only shortcuts (in-place activations, packed convolution weights, 1×1 convolutions as
// one matrix product) are taken only when `fast` is set and autograd is off, so training graphs
// stay exactly the plain ones.
bool use_fast_path(bool fast);

// GroupNorm followed by an activation (the pre-activation of every ResNet block).
torch::Tensor group_norm_activate(const torch::Tensor& x, const torch::nn::GroupNorm& norm,
                                  Activation activation, bool fast);
torch::Tensor group_norm(const torch::Tensor& x, const torch::nn::GroupNorm& norm);
torch::Tensor linear(const torch::Tensor& x, const torch::nn::Linear& layer);

}  // namespace emergence
