#include "vae_blocks.h"

#include <torch/nn/modules/container/modulelist.h>

#include "layer_ops.h"

namespace emergence {
namespace vae_parts {

// Every VAE block: no time embedding, GroupNorm eps 1e-6 (vae.py passes resnet_eps=1e-6).
BlockOptions shared_options(const AutoencoderKLConfig& c) {
  BlockOptions o;
  o.temb_channels = 0;
  o.groups = c.norm_num_groups;
  o.eps = 1e-6;
  o.activation = parse_activation(c.act_fn);
  return o;
}

// UNetMidBlock2D as vae.py builds it: one head over all channels (attention_head_dim = channels).
MidBlock mid_block_for(const AutoencoderKLConfig& c) {
  MidBlockOptions o;
  o.channels = c.block_out_channels.back();
  o.add_attention = c.mid_block_add_attention;
  o.attention_head_dim = o.channels;
  o.attention_groups = c.norm_num_groups;
  return MidBlock(shared_options(c), o);
}

torch::nn::Conv2d conv3x3(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::nn::GroupNorm norm_out(const AutoencoderKLConfig& c, int64_t channels) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(c.norm_num_groups, channels).eps(1e-6));
}

}  // namespace vae_parts

UpDecoderBlockImpl::UpDecoderBlockImpl(const BlockOptions& shared, int64_t in_channels,
                                       int64_t out_channels, int layers, bool add_upsample) {
  for (int i = 0; i < layers; ++i) {
    ResnetBlockOptions o;
    o.in_channels = i == 0 ? in_channels : out_channels;
    o.out_channels = out_channels;
    o.temb_channels = 0;
    o.groups = shared.groups;
    o.eps = shared.eps;
    o.activation = shared.activation;
    resnet_list_.emplace_back(o);
  }
  register_module_list(*this, "resnets", resnet_list_);
  if (add_upsample) {
    upsampler_ = Upsample2D(out_channels);
    register_module_list(*this, "upsamplers", std::vector<Upsample2D>{upsampler_});
  }
}

torch::Tensor UpDecoderBlockImpl::forward(torch::Tensor x, bool fast) const {
  for (const ResnetBlock2D& resnet : resnet_list_) {
    x = resnet->forward(x, {}, fast);
  }
  return upsampler_ ? upsampler_->forward(x, fast) : x;
}

VaeEncoderImpl::VaeEncoderImpl(const AutoencoderKLConfig& c) {
  const std::vector<int>& channels = c.block_out_channels;
  conv_in =
      PackedConv2d(register_module("conv_in", vae_parts::conv3x3(c.in_channels, channels[0])));
  const BlockOptions shared = vae_parts::shared_options(c);
  for (size_t i = 0; i < channels.size(); ++i) {
    // DownEncoderBlock2D is DownBlock2D without a time embedding; vae.py pads asymmetrically.
    DownBlockOptions o;
    o.in_channels = i == 0 ? channels[0] : channels[i - 1];
    o.out_channels = channels[i];
    o.layers = c.layers_per_block;
    o.add_downsample = i + 1 < channels.size();
    o.downsample_padding = 0;
    down_block_list_.emplace_back(shared, o);
  }
  register_module_list(*this, "down_blocks", down_block_list_);
  mid_block = register_module("mid_block", vae_parts::mid_block_for(c));
  conv_norm_out = register_module("conv_norm_out", vae_parts::norm_out(c, channels.back()));
  conv_out = PackedConv2d(register_module(
      "conv_out", vae_parts::conv3x3(channels.back(), 2 * int64_t{c.latent_channels})));
}

torch::Tensor VaeEncoderImpl::forward(const torch::Tensor& image, bool fast) const {
  torch::Tensor x = conv_in(image, fast);
  for (const DownBlock& block : down_block_list_) {
    // DownBlock keeps every intermediate for a UNet's skips; the encoder has none to feed.
    std::vector<torch::Tensor> unused_skips;
    x = block->forward(x, {}, fast, unused_skips);
  }
  x = mid_block->forward(x, {}, fast);
  // vae.py's conv_act is nn.SiLU() whatever act_fn says.
  return conv_out(group_norm_activate(x, conv_norm_out, Activation::SiLU, fast), fast);
}

VaeDecoderImpl::VaeDecoderImpl(const AutoencoderKLConfig& c) {
  const std::vector<int>& channels = c.block_out_channels;
  conv_in = PackedConv2d(
      register_module("conv_in", vae_parts::conv3x3(c.latent_channels, channels.back())));
  mid_block = register_module("mid_block", vae_parts::mid_block_for(c));
  const BlockOptions shared = vae_parts::shared_options(c);
  const size_t levels = channels.size();
  for (size_t i = 0; i < levels; ++i) {
    const int64_t in = channels[levels - (i == 0 ? 1 : i)];
    up_block_list_.emplace_back(shared, in, channels[levels - 1 - i], c.layers_per_block + 1,
                                i + 1 < levels);
  }
  register_module_list(*this, "up_blocks", up_block_list_);
  conv_norm_out = register_module("conv_norm_out", vae_parts::norm_out(c, channels[0]));
  conv_out =
      PackedConv2d(register_module("conv_out", vae_parts::conv3x3(channels[0], c.out_channels)));
}

torch::Tensor VaeDecoderImpl::forward(const torch::Tensor& z, bool fast) const {
  torch::Tensor x = mid_block->forward(conv_in(z, fast), {}, fast);
  for (const UpDecoderBlock& block : up_block_list_) {
    x = block->forward(x, fast);
  }
  return conv_out(group_norm_activate(x, conv_norm_out, Activation::SiLU, fast), fast);
}

}  // namespace emergence
