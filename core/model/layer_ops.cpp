#include "layer_ops.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace emergence {

Activation parse_activation(const std::string& name) {
  if (name == "silu" || name == "swish") {
    return Activation::SiLU;
  }
  if (name == "mish") {
    return Activation::Mish;
  }
  if (name == "gelu") {
    return Activation::GELU;
  }
  if (name == "relu") {
    return Activation::ReLU;
  }
  throw Error("activation '" + name + "' is not supported (silu, swish, mish, gelu, relu)");
}

torch::Tensor activate(const torch::Tensor& x, Activation activation) {
  switch (activation) {
    case Activation::SiLU:
      return at::silu(x);
    case Activation::Mish:
      return at::mish(x);
    case Activation::GELU:
      return at::gelu(x);
    case Activation::ReLU:
      return at::relu(x);
  }
  return x;
}

bool use_fast_path(bool fast) { return fast && !at::GradMode::is_enabled(); }

torch::Tensor group_norm(const torch::Tensor& x, const torch::nn::GroupNorm& norm) {
  const auto& o = norm->options;
  return at::group_norm(x, o.num_groups(), norm->weight, norm->bias, o.eps());
}

torch::Tensor group_norm_activate(const torch::Tensor& x, const torch::nn::GroupNorm& norm,
                                  Activation activation, bool fast) {
  torch::Tensor h = group_norm(x, norm);
  if (!use_fast_path(fast)) {
    return activate(h, activation);
  }
  // The normalised tensor is a temporary: activating it in place saves one allocation per layer.
  switch (activation) {
    case Activation::SiLU:
      return at::silu_(h);
    case Activation::Mish:
      return at::mish_(h);
    case Activation::GELU:
      return at::gelu(h);
    case Activation::ReLU:
      return at::relu_(h);
  }
  return h;
}

torch::Tensor linear(const torch::Tensor& x, const torch::nn::Linear& layer) {
  return at::linear(x, layer->weight, layer->bias);
}

}  // namespace emergence
