#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "attention_block.h"
#include "resampling.h"
#include "resnet_block.h"

namespace emergence {

// What every block of one UNet shares.
struct BlockOptions {
  int64_t temb_channels = 0;
  int64_t groups = 32;
  double eps = 1e-5;
  Activation activation = Activation::SiLU;
  bool scale_shift = false;
};

// Registers `items` as the ModuleList `name`, the container diffusers' state-dict names go
// through ("resnets.0.conv1.weight").
template <typename Holder>
void register_module_list(torch::nn::Module& owner, const std::string& name,
                          const std::vector<Holder>& items) {
  torch::nn::ModuleList list;
  for (const auto& item : items) {
    list->push_back(item);
  }
  owner.register_module(name, list);
}

// A resnet of a block from in to out channels with the block's shared options.
ResnetBlockOptions resnet_options(const BlockOptions& shared, int64_t in, int64_t out,
                                  double output_scale_factor = 1.0);

struct DownBlockOptions {
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int layers = 2;
  bool attention = false;  // AttnDownBlock2D rather than DownBlock2D
  int64_t attention_head_dim = 0;
  bool add_downsample = true;
  bool resnet_downsample = false;  // downsample_type "resnet" (attention blocks only)
  int64_t downsample_padding = 1;
};

// diffusers DownBlock2D and AttnDownBlock2D: resnets (each followed by attention in the Attn
// variant), then an optional downsampler. Every intermediate output is kept for the skips.
class DownBlockImpl : public torch::nn::Module {
 public:
  DownBlockImpl(const BlockOptions& shared, const DownBlockOptions& options);
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& temb, bool fast,
                        std::vector<torch::Tensor>& skips) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  std::vector<AttentionBlock> attention_list_;
  Downsample2D conv_downsampler_{nullptr};
  ResnetBlock2D resnet_downsampler_{nullptr};
};
TORCH_MODULE(DownBlock);

struct UpBlockOptions {
  int64_t in_channels = 0;           // channels of the matching down block's input
  int64_t prev_output_channels = 0;  // channels arriving from below
  int64_t out_channels = 0;
  int layers = 3;
  bool attention = false;  // AttnUpBlock2D rather than UpBlock2D
  int64_t attention_head_dim = 0;
  bool add_upsample = true;
  bool resnet_upsample = false;  // upsample_type "resnet" (attention blocks only)
};

// diffusers UpBlock2D and AttnUpBlock2D: each resnet takes the current tensor concatenated with
// one skip (consumed from the back), then an optional upsampler.
class UpBlockImpl : public torch::nn::Module {
 public:
  UpBlockImpl(const BlockOptions& shared, const UpBlockOptions& options);
  torch::Tensor forward(torch::Tensor x, std::vector<torch::Tensor>& skips,
                        const torch::Tensor& temb, bool fast) const;
  size_t num_resnets() const { return resnet_list_.size(); }

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  std::vector<AttentionBlock> attention_list_;
  Upsample2D conv_upsampler_{nullptr};
  ResnetBlock2D resnet_upsampler_{nullptr};
};
TORCH_MODULE(UpBlock);

struct MidBlockOptions {
  int64_t channels = 0;
  bool add_attention = true;
  int64_t attention_head_dim = 0;
  std::optional<int64_t> attention_groups;
  double output_scale_factor = 1.0;
};

// diffusers UNetMidBlock2D with one layer: resnet, [attention], resnet.
class MidBlockImpl : public torch::nn::Module {
 public:
  MidBlockImpl(const BlockOptions& shared, const MidBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb, bool fast) const;

 private:
  std::vector<ResnetBlock2D> resnet_list_;
  AttentionBlock attention_{nullptr};
};
TORCH_MODULE(MidBlock);

}  // namespace emergence
