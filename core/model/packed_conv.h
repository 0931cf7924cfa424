#pragma once

#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include <cstdint>

namespace emergence {

// A registered Conv2d plus, for inference, its weight repacked once into oneDNN's blocked layout.
// libtorch otherwise reorders every weight on every call, which dominates small feature maps.
// The packed copy is rebuilt whenever the weight changes (loading, training).
class PackedConv2d {
 public:
  PackedConv2d() = default;
  explicit PackedConv2d(torch::nn::Conv2d conv) : conv_(std::move(conv)) {}

  // `fast` (with autograd off): packed oneDNN convolution, 1×1 convolutions as one matrix
  // product. Otherwise the plain at::conv2d.
  torch::Tensor operator()(const torch::Tensor& x, bool fast) const;
  explicit operator bool() const { return !conv_.is_empty(); }

 private:
  const torch::Tensor& packed_weight() const;

  torch::nn::Conv2d conv_{nullptr};
  mutable torch::Tensor packed_;
  mutable const void* packed_from_ = nullptr;
  mutable uint32_t packed_version_ = 0;
};

}  // namespace emergence
