#include "packed_conv.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>

#include "layer_ops.h"

namespace emergence {
namespace {

std::array<int64_t, 2> padding_of(const torch::nn::detail::ConvNdOptions<2>& o) {
  return *c10::get<torch::ExpandingArray<2>>(o.padding());
}

}  // namespace

const torch::Tensor& PackedConv2d::packed_weight() const {
  const torch::Tensor& weight = conv_->weight;
  if (!packed_.defined() || packed_from_ != weight.data_ptr() ||
      packed_version_ != weight._version()) {
    const auto& o = conv_->options;
    packed_ = at::mkldnn_reorder_conv2d_weight(weight.detach().to_mkldnn(), padding_of(o),
                                               *o.stride(), *o.dilation(), o.groups());
    packed_from_ = weight.data_ptr();
    packed_version_ = weight._version();
  }
  return packed_;
}

torch::Tensor PackedConv2d::operator()(const torch::Tensor& x, bool fast) const {
  const auto& o = conv_->options;
  const torch::Tensor& weight = conv_->weight;
  const torch::Tensor& bias = conv_->bias;
  if (use_fast_path(fast)) {
    const bool pointwise = weight.size(2) == 1 && weight.size(3) == 1 && (*o.stride())[0] == 1 &&
                           (*o.stride())[1] == 1 && padding_of(o) == std::array<int64_t, 2>{0, 0};
    if (pointwise && o.groups() == 1) {
      // A 1×1 convolution is W[C_out, C_in] · X[C_in, H·W] for every batch item.
      const int64_t b = x.size(0), h = x.size(2), w = x.size(3);
      const torch::Tensor flat = x.contiguous().view({b, x.size(1), h * w});
      torch::Tensor out = at::matmul(weight.view({weight.size(0), weight.size(1)}), flat);
      if (bias.defined()) {
        out.add_(bias.view({1, -1, 1}));
      }
      return out.view({b, weight.size(0), h, w});
    }
    if (at::hasMKLDNN() && x.scalar_type() == torch::kFloat32) {
      return at::mkldnn_convolution(x.contiguous(), packed_weight(), bias, padding_of(o),
                                    *o.stride(), *o.dilation(), o.groups());
    }
  }
  return at::conv2d(x, weight, bias, *o.stride(), padding_of(o), *o.dilation(), o.groups());
}

}  // namespace emergence
