#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

#include "resampling.h"
#include "resnet_block.h"
#include "transformer_2d.h"
#include "unet2d_blocks.h"

namespace emergence {

// What every Transformer2DModel of one UNet2DConditionModel shares.
struct CrossAttnSharedOptions {
  int64_t context_dim = 0;  // cross_attention_dim
  bool use_linear_projection = false;
  bool upcast_attention = false;
};

// One block's transformers: `heads` heads over the block's channels, `layers`
// BasicTransformerBlocks each (transformer_layers_per_block).
struct CrossAttnLayerOptions {
  int64_t heads = 1;
  int layers = 1;
  bool only_cross_attention = false;
};

struct CrossAttnDownBlockOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int layers = 2;
  CrossAttnLayerOptions attention;
  bool add_downsample = true;
  int64_t downsample_padding = 1;
};

// diffusers CrossAttnDownBlock2D: `layers` × (resnet, Transformer2DModel), then an optional
// downsampler; every intermediate output is kept for the skips, as DownBlock does.
class CrossAttnDownBlockImpl : public torch::nn::Module {
 public:
  CrossAttnDownBlockImpl(const BlockOptions& shared, const CrossAttnSharedOptions& cross,
                         const CrossAttnDownBlockOptions& options);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, const torch::Tensor& context,
                        bool fast, std::vector<torch::Tensor>& skips) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  std::vector<Transformer2D> attention_list_;
  Downsample2D downsampler_{nullptr};
};
TORCH_MODULE(CrossAttnDownBlock);

struct CrossAttnUpBlockOptions {
  int64_t in_channels = 0;           // channels of the matching down block's input
  int64_t prev_output_channels = 0;  // channels arriving from below
  int64_t out_channels = 0;
  int layers = 3;
  CrossAttnLayerOptions attention;
  bool add_upsample = true;
};

// diffusers CrossAttnUpBlock2D: each resnet takes the current tensor concatenated with one skip
// (consumed from the back) and is followed by a Transformer2DModel; then an optional upsampler.
class CrossAttnUpBlockImpl : public torch::nn::Module {
 public:
  CrossAttnUpBlockImpl(const BlockOptions& shared, const CrossAttnSharedOptions& cross,
                       const CrossAttnUpBlockOptions& options);
  torch::Tensor forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                        const torch::Tensor& temb, const torch::Tensor& context, bool fast) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  std::vector<Transformer2D> attention_list_;
  Upsample2D upsampler_{nullptr};
};
TORCH_MODULE(CrossAttnUpBlock);

struct CrossAttnMidBlockOptions {
  int64_t channels = 0;
  CrossAttnLayerOptions attention;  // only_cross_attention is not passed to this block
  double output_scale_factor = 1.0;
};

// diffusers UNetMidBlock2DCrossAttn with one layer: resnet, Transformer2DModel, resnet.
class CrossAttnMidBlockImpl : public torch::nn::Module {
 public:
  CrossAttnMidBlockImpl(const BlockOptions& shared, const CrossAttnSharedOptions& cross,
                        const CrossAttnMidBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb,
                        const torch::Tensor& context, bool fast) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  Transformer2D attention_{nullptr};
};
TORCH_MODULE(CrossAttnMidBlock);

}  // namespace emergence
