#include "resampling.h"

#include <ATen/ATen.h>

namespace emergence {

Downsample2DImpl::Downsample2DImpl(int64_t channels, int64_t padding) : padding_(padding) {
  conv = PackedConv2d(register_module(
      "conv", torch::nn::Conv2d(
                  torch::nn::Conv2dOptions(channels, channels, 3).stride(2).padding(padding))));
}

torch::Tensor Downsample2DImpl::forward(const torch::Tensor& x, bool fast) const {
  if (padding_ == 0) {
    return conv(at::constant_pad_nd(x, {0, 1, 0, 1}), fast);
  }
  return conv(x, fast);
}

Upsample2DImpl::Upsample2DImpl(int64_t channels) {
  conv = PackedConv2d(register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).padding(1))));
}

torch::Tensor Upsample2DImpl::forward(const torch::Tensor& x, bool fast,
                                      std::optional<std::array<int64_t, 2>> output_size) const {
  const std::array<int64_t, 2> size =
      output_size.value_or(std::array<int64_t, 2>{2 * x.size(2), 2 * x.size(3)});
  return conv(at::upsample_nearest2d(x, {size[0], size[1]}), fast);
}

std::optional<std::array<int64_t, 2>> next_skip_size(const std::vector<torch::Tensor>& skips) {
  if (skips.empty()) {
    return std::nullopt;
  }
  return std::array<int64_t, 2>{skips.back().size(2), skips.back().size(3)};
}

}  // namespace emergence
