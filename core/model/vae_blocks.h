#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "autoencoder_kl_config.h"
#include "packed_conv.h"
#include "unet2d_blocks.h"

namespace emergence {

// diffusers UpDecoderBlock2D: resnets without a time embedding (the first from in_channels),
// then an optional nearest-×2 upsampler with its convolution. No skip connections.
class UpDecoderBlockImpl : public torch::nn::Module {
 public:
  UpDecoderBlockImpl(const BlockOptions& shared, int64_t in_channels, int64_t out_channels,
                     int layers, bool add_upsample);
  // [B, in, H, W] → [B, out, 2H, 2W] (H, W without the upsampler).
  torch::Tensor forward(torch::Tensor x, bool fast) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(UpDecoderBlock);

// diffusers vae.py Encoder (double_z): conv_in, DownEncoderBlock2Ds (resnets, then a stride-2
// convolution after a (0, 1, 0, 1) pad in all but the last), UNetMidBlock2D with single-head
// attention, GroupNorm, SiLU, conv_out to 2·latent_channels (mean and log-variance).
class VaeEncoderImpl : public torch::nn::Module {
 public:
  explicit VaeEncoderImpl(const AutoencoderKLConfig& config);
  // An image [B, in_channels, H, W] → moments [B, 2·latent_channels, H/2^(levels-1), …].
  torch::Tensor forward(const torch::Tensor& image, bool fast) const;

 private:
  PackedConv2d conv_in;
  std::vector<DownBlock> down_block_list_;
  MidBlock mid_block{nullptr};
  torch::nn::GroupNorm conv_norm_out{nullptr};
  PackedConv2d conv_out;
};
TORCH_MODULE(VaeEncoder);

// diffusers vae.py Decoder (norm_type "group"): conv_in, UNetMidBlock2D, UpDecoderBlock2Ds of
// layers_per_block + 1 resnets over the reversed channels, GroupNorm, SiLU, conv_out.
class VaeDecoderImpl : public torch::nn::Module {
 public:
  explicit VaeDecoderImpl(const AutoencoderKLConfig& config);
  // z [B, latent_channels, h, w] (after post_quant_conv) → image, 2^(levels-1) times larger.
  torch::Tensor forward(const torch::Tensor& z, bool fast) const;

 private:
  PackedConv2d conv_in;
  MidBlock mid_block{nullptr};
  std::vector<UpDecoderBlock> up_block_list_;
  torch::nn::GroupNorm conv_norm_out{nullptr};
  PackedConv2d conv_out;
};
TORCH_MODULE(VaeDecoder);

}  // namespace emergence
