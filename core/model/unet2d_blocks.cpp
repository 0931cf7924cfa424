#include "unet2d_blocks.h"

#include <ATen/ATen.h>

namespace emergence {
namespace {

AttentionBlockOptions attention_options(int64_t channels, int64_t head_dim,
                                        std::optional<int64_t> groups, double eps,
                                        double rescale = 1.0) {
  AttentionBlockOptions o;
  o.channels = channels;
  o.head_dim = head_dim;
  o.norm_groups = groups;
  o.eps = eps;
  o.rescale_output_factor = rescale;
  return o;
}

// The layers of a down or up block: one resnet per entry of resnet_in (its input channels), each
// followed by an attention block when `attention`, registered as "resnets" and "attentions".
void build_layers(torch::nn::Module& owner, const BlockOptions& shared,
                  const std::vector<int64_t>& resnet_in, int64_t out_channels, bool attention,
                  int64_t attention_head_dim, std::vector<ResnetBlock2D>& resnets,
                  std::vector<AttentionBlock>& attentions) {
  for (const int64_t in : resnet_in) {
    resnets.emplace_back(resnet_options(shared, in, out_channels));
    if (attention) {
      attentions.emplace_back(
          attention_options(out_channels, attention_head_dim, shared.groups, shared.eps));
    }
  }
  register_module_list(owner, "resnets", resnets);
  if (attention) {
    register_module_list(owner, "attentions", attentions);
  }
}

}  // namespace

ResnetBlockOptions resnet_options(const BlockOptions& shared, int64_t in, int64_t out,
                                  double output_scale_factor) {
  ResnetBlockOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.temb_channels = shared.temb_channels;
  o.groups = shared.groups;
  o.eps = shared.eps;
  o.activation = shared.activation;
  o.scale_shift = shared.scale_shift;
  o.output_scale_factor = output_scale_factor;
  return o;
}

DownBlockImpl::DownBlockImpl(const BlockOptions& shared, const DownBlockOptions& o) {
  std::vector<int64_t> resnet_in;
  for (int i = 0; i < o.layers; ++i) {
    resnet_in.push_back(i == 0 ? o.in_channels : o.out_channels);
  }
  build_layers(*this, shared, resnet_in, o.out_channels, o.attention, o.attention_head_dim,
               resnet_list_, attention_list_);
  if (o.add_downsample) {
    torch::nn::ModuleList downsamplers;
    if (o.resnet_downsample) {
      ResnetBlockOptions r = resnet_options(shared, o.out_channels, o.out_channels);
      r.resample = ResnetBlockOptions::Resample::Down;
      resnet_downsampler_ = ResnetBlock2D(r);
      downsamplers->push_back(resnet_downsampler_);
    } else {
      conv_downsampler_ = Downsample2D(o.out_channels, o.downsample_padding);
      downsamplers->push_back(conv_downsampler_);
    }
    register_module("downsamplers", downsamplers);
  }
}

torch::Tensor DownBlockImpl::forward(torch::Tensor x, const torch::Tensor& temb, bool fast,
                                     std::vector<torch::Tensor>& skips) const {
  for (size_t i = 0; i < resnet_list_.size(); ++i) {
    x = resnet_list_[i]->forward(x, temb, fast);
    if (!attention_list_.empty()) {
      x = attention_list_[i]->forward(x, fast);
    }
    skips.push_back(x);
  }
  if (conv_downsampler_) {
    x = conv_downsampler_->forward(x, fast);
    skips.push_back(x);
  } else if (resnet_downsampler_) {
    x = resnet_downsampler_->forward(x, temb, fast);
    skips.push_back(x);
  }
  return x;
}

UpBlockImpl::UpBlockImpl(const BlockOptions& shared, const UpBlockOptions& o) {
  std::vector<int64_t> resnet_in;  // the previous layer's output, concatenated with a skip
  for (int i = 0; i < o.layers; ++i) {
    const int64_t skip_channels = i == o.layers - 1 ? o.in_channels : o.out_channels;
    resnet_in.push_back((i == 0 ? o.prev_output_channels : o.out_channels) + skip_channels);
  }
  build_layers(*this, shared, resnet_in, o.out_channels, o.attention, o.attention_head_dim,
               resnet_list_, attention_list_);
  if (o.add_upsample) {
    torch::nn::ModuleList upsamplers;
    if (o.resnet_upsample) {
      ResnetBlockOptions r = resnet_options(shared, o.out_channels, o.out_channels);
      r.resample = ResnetBlockOptions::Resample::Up;
      resnet_upsampler_ = ResnetBlock2D(r);
      upsamplers->push_back(resnet_upsampler_);
    } else {
      conv_upsampler_ = Upsample2D(o.out_channels);
      upsamplers->push_back(conv_upsampler_);
    }
    register_module("upsamplers", upsamplers);
  }
}

torch::Tensor UpBlockImpl::forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                                   const torch::Tensor& temb, bool fast) const {
  for (size_t i = 0; i < resnet_list_.size(); ++i) {
    x = at::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = resnet_list_[i]->forward(x, temb, fast);
    if (!attention_list_.empty()) {
      x = attention_list_[i]->forward(x, fast);
    }
  }
  if (conv_upsampler_) {
    x = conv_upsampler_->forward(x, fast, next_skip_size(skips));
  } else if (resnet_upsampler_) {
    x = resnet_upsampler_->forward(x, temb, fast);
  }
  return x;
}

MidBlockImpl::MidBlockImpl(const BlockOptions& shared, const MidBlockOptions& o) {
  for (int i = 0; i < 2; ++i) {
    resnet_list_.emplace_back(
        resnet_options(shared, o.channels, o.channels, o.output_scale_factor));
  }
  register_module_list(*this, "resnets", resnet_list_);
  if (o.add_attention) {
    attention_ = AttentionBlock(attention_options(
        o.channels, o.attention_head_dim, o.attention_groups, shared.eps, o.output_scale_factor));
    register_module_list(*this, "attentions", std::vector<AttentionBlock>{attention_});
  }
}

torch::Tensor MidBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb,
                                    bool fast) const {
  torch::Tensor h = resnet_list_[0]->forward(x, temb, fast);
  if (attention_) {
    h = attention_->forward(h, fast);
  }
  return resnet_list_[1]->forward(h, temb, fast);
}

}  // namespace emergence
