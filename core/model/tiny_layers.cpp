#include "tiny_layers.h"

#include <ATen/ATen.h>

namespace emergence {
namespace tiny_layers_detail {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, bool bias) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(bias));
}

// A container whose children carry nn.Sequential's index names ("0", "2", …).
std::shared_ptr<torch::nn::Module> sequential_names(torch::nn::Module& owner,
                                                    const std::string& name) {
  return owner.register_module(name, std::make_shared<torch::nn::Module>());
}

}  // namespace tiny_layers_detail

AutoencoderTinyBlockImpl::AutoencoderTinyBlockImpl(int64_t in_channels, int64_t out_channels,
                                                   Activation activation)
    : activation_(activation) {
  const auto convs = tiny_layers_detail::sequential_names(*this, "conv");
  for (int i = 0; i < 3; ++i) {
    convs_[i] = PackedConv2d(convs->register_module(
        std::to_string(2 * i),
        tiny_layers_detail::conv(i == 0 ? in_channels : out_channels, out_channels, 3, 1, true)));
  }
  if (in_channels != out_channels) {
    skip_ = PackedConv2d(
        register_module("skip", tiny_layers_detail::conv(in_channels, out_channels, 1, 1, false)));
  }
}

torch::Tensor AutoencoderTinyBlockImpl::forward(const torch::Tensor& x, bool fast) const {
  torch::Tensor h = activate(convs_[0](x, fast), activation_);
  h = convs_[2](activate(convs_[1](h, fast), activation_), fast);
  // diffusers' fuse is nn.ReLU() whatever act_fn says.
  return at::relu(h + (skip_ ? skip_(x, fast) : x));
}

TinyLayerStackImpl::TinyLayerStackImpl(const AutoencoderTinyConfig& c, Part part)
    : activation_(parse_activation(c.act_fn)), upsample_factor_(c.upsampling_scaling_factor) {
  layers_module_ = tiny_layers_detail::sequential_names(*this, "layers");
  if (part == Part::Decoder) {
    const std::vector<int>& channels = c.decoder_block_out_channels;
    add_conv(c.latent_channels, channels[0], 1, true);
    add(Kind::Activation);
    for (size_t i = 0; i < channels.size(); ++i) {
      const bool last = i + 1 == channels.size();
      for (int b = 0; b < c.num_decoder_blocks[i]; ++b) {
        add_block(channels[i]);
      }
      if (!last) {
        add(Kind::Upsample);
      }
      add_conv(channels[i], last ? c.out_channels : channels[i], 1, last);
    }
  } else {
    const std::vector<int>& channels = c.encoder_block_out_channels;
    for (size_t i = 0; i < channels.size(); ++i) {
      if (i == 0) {
        add_conv(c.in_channels, channels[0], 1, true);
      } else {
        add_conv(channels[i], channels[i], 2, false);
      }
      for (int b = 0; b < c.num_encoder_blocks[i]; ++b) {
        add_block(channels[i]);
      }
    }
    add_conv(channels.back(), c.latent_channels, 1, true);
  }
}

void TinyLayerStackImpl::add_conv(int64_t in, int64_t out, int64_t stride, bool bias) {
  Layer layer{Kind::Conv, {}, nullptr};
  layer.conv = PackedConv2d(layers_module_->register_module(
      std::to_string(layers_.size()), tiny_layers_detail::conv(in, out, 3, stride, bias)));
  layers_.push_back(std::move(layer));
}

void TinyLayerStackImpl::add(Kind kind) { layers_.push_back(Layer{kind, {}, nullptr}); }

void TinyLayerStackImpl::add_block(int64_t channels) {
  Layer layer{Kind::Block, {}, AutoencoderTinyBlock(channels, channels, activation_)};
  layers_module_->register_module(std::to_string(layers_.size()), layer.block);
  layers_.push_back(std::move(layer));
}

torch::Tensor TinyLayerStackImpl::forward(torch::Tensor x, bool fast) const {
  for (const Layer& layer : layers_) {
    switch (layer.kind) {
      case Kind::Conv:
        x = layer.conv(x, fast);
        break;
      case Kind::Activation:
        x = activate(x, activation_);
        break;
      case Kind::Block:
        x = layer.block->forward(x, fast);
        break;
      case Kind::Upsample: {
        // nn.Upsample(scale_factor=k, mode="nearest") passes k itself as the scale.
        const double k = static_cast<double>(upsample_factor_);
        x = at::upsample_nearest2d(x, {upsample_factor_ * x.size(2), upsample_factor_ * x.size(3)},
                                   k, k);
        break;
      }
    }
  }
  return x;
}

}  // namespace emergence
