#include "unet2d_condition_blocks.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

namespace emergence {
namespace {

// The Transformer2DModel the CrossAttn blocks build over `channels`, GroupNorm'd with the
// resnets' groups.
Transformer2DOptions cross_block_transformer(const BlockOptions& shared,
                                             const CrossAttnSharedOptions& cross,
                                             const CrossAttnLayerOptions& layer, int64_t channels) {
  Transformer2DOptions o;
  o.channels = channels;
  o.heads = layer.heads;
  o.layers = layer.layers;
  o.context_dim = cross.context_dim;
  o.groups = shared.groups;
  o.use_linear_projection = cross.use_linear_projection;
  o.only_cross_attention = layer.only_cross_attention;
  o.upcast_attention = cross.upcast_attention;
  return o;
}

}  // namespace

CrossAttnDownBlockImpl::CrossAttnDownBlockImpl(const BlockOptions& shared,
                                               const CrossAttnSharedOptions& cross,
                                               const CrossAttnDownBlockOptions& o) {
  for (int i = 0; i < o.layers; ++i) {
    resnet_list_.emplace_back(
        resnet_options(shared, i == 0 ? o.in_channels : o.out_channels, o.out_channels));
    attention_list_.emplace_back(
        cross_block_transformer(shared, cross, o.attention, o.out_channels));
  }
  register_module_list(*this, "attentions", attention_list_);
  register_module_list(*this, "resnets", resnet_list_);
  if (o.add_downsample) {
    downsampler_ = Downsample2D(o.out_channels, o.downsample_padding);
    register_module_list(*this, "downsamplers", std::vector<Downsample2D>{downsampler_});
  }
}

torch::Tensor CrossAttnDownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb,
                                              const torch::Tensor& context, bool fast,
                                              std::vector<torch::Tensor>& skips) const {
  for (size_t i = 0; i < resnet_list_.size(); ++i) {
    x = resnet_list_[i]->forward(x, temb, fast);
    x = attention_list_[i]->forward(x, context, fast);
    skips.push_back(x);
  }
  if (downsampler_) {
    x = downsampler_->forward(x, fast);
    skips.push_back(x);
  }
  return x;
}

CrossAttnUpBlockImpl::CrossAttnUpBlockImpl(const BlockOptions& shared,
                                           const CrossAttnSharedOptions& cross,
                                           const CrossAttnUpBlockOptions& o) {
  for (int i = 0; i < o.layers; ++i) {
    const int64_t skip_channels = i == o.layers - 1 ? o.in_channels : o.out_channels;
    const int64_t input = (i == 0 ? o.prev_output_channels : o.out_channels) + skip_channels;
    resnet_list_.emplace_back(resnet_options(shared, input, o.out_channels));
    attention_list_.emplace_back(
        cross_block_transformer(shared, cross, o.attention, o.out_channels));
  }
  register_module_list(*this, "attentions", attention_list_);
  register_module_list(*this, "resnets", resnet_list_);
  if (o.add_upsample) {
    upsampler_ = Upsample2D(o.out_channels);
    register_module_list(*this, "upsamplers", std::vector<Upsample2D>{upsampler_});
  }
}

torch::Tensor CrossAttnUpBlockImpl::forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                                            const torch::Tensor& temb, const torch::Tensor& context,
                                            bool fast) const {
  for (size_t i = 0; i < resnet_list_.size(); ++i) {
    x = at::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = resnet_list_[i]->forward(x, temb, fast);
    x = attention_list_[i]->forward(x, context, fast);
  }
  if (upsampler_) {
    x = upsampler_->forward(x, fast, next_skip_size(skips));
  }
  return x;
}

CrossAttnMidBlockImpl::CrossAttnMidBlockImpl(const BlockOptions& shared,
                                             const CrossAttnSharedOptions& cross,
                                             const CrossAttnMidBlockOptions& o) {
  for (int i = 0; i < 2; ++i) {
    resnet_list_.emplace_back(
        resnet_options(shared, o.channels, o.channels, o.output_scale_factor));
  }
  CrossAttnLayerOptions layer = o.attention;
  layer.only_cross_attention = false;
  attention_ = Transformer2D(cross_block_transformer(shared, cross, layer, o.channels));
  register_module_list(*this, "attentions", std::vector<Transformer2D>{attention_});
  register_module_list(*this, "resnets", resnet_list_);
}

torch::Tensor CrossAttnMidBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb,
                                             const torch::Tensor& context, bool fast) const {
  const torch::Tensor h =
      attention_->forward(resnet_list_[0]->forward(x, temb, fast), context, fast);
  return resnet_list_[1]->forward(h, temb, fast);
}

}  // namespace emergence
