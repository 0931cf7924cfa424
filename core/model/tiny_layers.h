#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "autoencoder_tiny_config.h"
#include "layer_ops.h"
#include "packed_conv.h"

namespace emergence {

// diffusers AutoencoderTinyBlock: ReLU(conv-act-conv-act-conv(x) + skip(x)), the skip a bias-free
// 1×1 convolution when the channel counts differ. State-dict names conv.0, conv.2, conv.4, skip.
class AutoencoderTinyBlockImpl : public torch::nn::Module {
 public:
  AutoencoderTinyBlockImpl(int64_t in_channels, int64_t out_channels, Activation activation);
  // Same spatial size, out_channels channels.
  torch::Tensor forward(const torch::Tensor& x, bool fast) const;

 private:
  Activation activation_;
  PackedConv2d convs_[3];
  PackedConv2d skip_;
};
TORCH_MODULE(AutoencoderTinyBlock);

// The nn.Sequential `layers` of diffusers' EncoderTiny or DecoderTiny (vae.py), each
// parameterised layer registered under its index in that Sequential. Only the layers: the input
// and output maps around them are AutoencoderTiny's.
class TinyLayerStackImpl : public torch::nn::Module {
 public:
  enum class Part { Encoder, Decoder };
  TinyLayerStackImpl(const AutoencoderTinyConfig& config, Part part);
  // The layers in order: latents to [0, 1] images (decoder) or [0, 1] images to latents.
  torch::Tensor forward(torch::Tensor x, bool fast) const;

 private:
  enum class Kind { Conv, Activation, Block, Upsample };
  struct Layer {
    Kind kind;
    PackedConv2d conv;
    AutoencoderTinyBlock block{nullptr};
  };
  void add_conv(int64_t in, int64_t out, int64_t stride, bool bias);
  void add(Kind kind);
  void add_block(int64_t channels);

  std::shared_ptr<torch::nn::Module> layers_module_;
  std::vector<Layer> layers_;
  Activation activation_;
  int64_t upsample_factor_;
};
TORCH_MODULE(TinyLayerStack);

}  // namespace emergence
