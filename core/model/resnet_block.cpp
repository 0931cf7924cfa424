#include "resnet_block.h"

#include <ATen/ATen.h>

namespace emergence {

ResnetBlock2DImpl::ResnetBlock2DImpl(const ResnetBlockOptions& o) : options_(o) {
  using namespace torch::nn;
  norm1 = register_module("norm1", GroupNorm(GroupNormOptions(o.groups, o.in_channels).eps(o.eps)));
  conv1 = PackedConv2d(register_module(
      "conv1", Conv2d(Conv2dOptions(o.in_channels, o.out_channels, 3).stride(1).padding(1))));
  if (o.temb_channels > 0) {
    const int64_t projected = o.scale_shift ? 2 * o.out_channels : o.out_channels;
    time_emb_proj = register_module("time_emb_proj", Linear(o.temb_channels, projected));
  }
  norm2 =
      register_module("norm2", GroupNorm(GroupNormOptions(o.groups, o.out_channels).eps(o.eps)));
  conv2 = PackedConv2d(register_module(
      "conv2", Conv2d(Conv2dOptions(o.out_channels, o.out_channels, 3).stride(1).padding(1))));
  if (o.in_channels != o.out_channels) {
    conv_shortcut = PackedConv2d(register_module(
        "conv_shortcut", Conv2d(Conv2dOptions(o.in_channels, o.out_channels, 1).stride(1))));
  }
}

torch::Tensor ResnetBlock2DImpl::resample(const torch::Tensor& x) const {
  switch (options_.resample) {
    case ResnetBlockOptions::Resample::Up:
      // diffusers Upsample2D(use_conv=False): nearest-neighbour ×2.
      return at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)});
    case ResnetBlockOptions::Resample::Down:
      // diffusers Downsample2D(use_conv=False): 2×2 average pooling.
      return at::avg_pool2d(x, {2, 2}, {2, 2});
    case ResnetBlockOptions::Resample::None:
      break;
  }
  return x;
}

torch::Tensor ResnetBlock2DImpl::forward(const torch::Tensor& x, const torch::Tensor& temb,
                                         bool fast) const {
  const bool in_place = use_fast_path(fast);
  torch::Tensor h = group_norm_activate(x, norm1, options_.activation, fast);
  torch::Tensor skip = x;
  if (options_.resample != ResnetBlockOptions::Resample::None) {
    skip = resample(x);
    h = resample(h);
  }
  h = conv1(h, fast);

  torch::Tensor t;
  if (time_emb_proj && temb.defined()) {
    t = linear(activate(temb, options_.activation), time_emb_proj).unsqueeze(2).unsqueeze(3);
  }
  if (!options_.scale_shift) {
    if (t.defined()) {
      h = in_place ? h.add_(t) : h + t;
    }
    h = group_norm_activate(h, norm2, options_.activation, fast);
  } else {
    // FiLM-style conditioning (Dhariwal & Nichol 2021, "AdaGN"): norm(h)·(1 + scale) + shift.
    h = group_norm(h, norm2);
    if (t.defined()) {
      const auto parts = t.chunk(2, 1);
      h = h * (1 + parts[0]) + parts[1];
    }
    h = activate(h, options_.activation);
  }
  h = conv2(h, fast);
  if (conv_shortcut) {
    skip = conv_shortcut(skip, fast);
  }
  // diffusers computes (skip + h) / output_scale_factor; addition order does not change the sum.
  h = in_place ? h.add_(skip) : skip + h;
  if (options_.output_scale_factor != 1.0) {
    h = in_place ? h.div_(options_.output_scale_factor) : h / options_.output_scale_factor;
  }
  return h;
}

}  // namespace emergence
