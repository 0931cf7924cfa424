#include "unet2d_model.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace emergence {

UNet2DModelImpl::UNet2DModelImpl(const UNet2DConfig& config) : config_(config) {
  using namespace torch::nn;
  validate(config_);
  const UNet2DConfig& c = config_;
  activation_ = parse_activation(c.act_fn);
  const auto& channels = c.block_out_channels;
  const int64_t temb_dim = c.time_embed_dim();
  const int64_t levels = static_cast<int64_t>(channels.size());

  conv_in = PackedConv2d(
      register_module("conv_in", Conv2d(Conv2dOptions(c.in_channels, channels[0], 3).padding(1))));
  int64_t time_input_dim = channels[0];
  if (c.time_embedding_type == "fourier") {
    fourier_projection_ = register_module("time_proj", GaussianFourierProjection(channels[0], 16));
    time_input_dim = 2 * channels[0];
  }
  time_embedding = register_module("time_embedding", TimestepEmbedding(time_input_dim, temb_dim));
  if (!c.class_embed_type && c.num_class_embeds) {
    class_table_ = register_module("class_embedding", Embedding(*c.num_class_embeds, temb_dim));
  } else if (c.class_embed_type == std::string("timestep")) {
    class_timestep_embedding_ =
        register_module("class_embedding", TimestepEmbedding(time_input_dim, temb_dim));
  }

  BlockOptions shared;
  shared.temb_channels = temb_dim;
  shared.groups = c.norm_num_groups;
  shared.eps = c.norm_eps;
  shared.activation = activation_;
  shared.scale_shift = c.resnet_time_scale_shift == "scale_shift";

  ModuleList down_list;
  for (int64_t i = 0; i < levels; ++i) {
    DownBlockOptions o;
    o.in_channels = channels[i == 0 ? 0 : i - 1];
    o.out_channels = channels[i];
    o.layers = c.layers_per_block;
    o.attention = c.down_block_types[i] == "AttnDownBlock2D";
    o.attention_head_dim = c.attention_head_dim.value_or(channels[i]);
    o.add_downsample = i != levels - 1;
    // get_down_block: only the attention variant honours downsample_type.
    o.resnet_downsample = o.attention && c.downsample_type == "resnet";
    o.downsample_padding = c.downsample_padding;
    down_blocks_.emplace_back(shared, o);
    down_list->push_back(down_blocks_.back());
  }
  register_module("down_blocks", down_list);

  if (c.mid_block_type) {
    MidBlockOptions o;
    o.channels = channels.back();
    o.add_attention = c.add_attention;
    o.attention_head_dim = c.attention_head_dim.value_or(channels.back());
    // UNetMidBlock2D: without attn_norm_num_groups the attention is normalised only under the
    // "default" time scale shift.
    if (c.attn_norm_num_groups) {
      o.attention_groups = *c.attn_norm_num_groups;
    } else if (!shared.scale_shift) {
      o.attention_groups = c.norm_num_groups;
    }
    o.output_scale_factor = c.mid_block_scale_factor;
    mid_block = register_module("mid_block", MidBlock(shared, o));
  }

  ModuleList up_list;
  for (int64_t i = 0; i < levels; ++i) {
    UpBlockOptions o;
    o.prev_output_channels = channels[levels - 1 - (i == 0 ? 0 : i - 1)];
    o.out_channels = channels[levels - 1 - i];
    o.in_channels = channels[levels - 1 - std::min(i + 1, levels - 1)];
    o.layers = c.layers_per_block + 1;
    o.attention = c.up_block_types[i] == "AttnUpBlock2D";
    o.attention_head_dim = c.attention_head_dim.value_or(o.out_channels);
    o.add_upsample = i != levels - 1;
    o.resnet_upsample = o.attention && c.upsample_type == "resnet";
    up_blocks_.emplace_back(shared, o);
    up_list->push_back(up_blocks_.back());
  }
  register_module("up_blocks", up_list);

  conv_norm_out = register_module(
      "conv_norm_out", GroupNorm(GroupNormOptions(c.norm_num_groups, channels[0]).eps(c.norm_eps)));
  conv_out = PackedConv2d(register_module(
      "conv_out", Conv2d(Conv2dOptions(channels[0], c.out_channels, 3).padding(1))));
}

torch::Tensor UNet2DModelImpl::time_features(const torch::Tensor& t) const {
  if (fourier_projection_) {
    return fourier_projection_->forward(t);
  }
  return sinusoidal_timestep_embedding(t, config_.block_out_channels[0], config_.flip_sin_to_cos,
                                       config_.freq_shift);
}

torch::Tensor UNet2DModelImpl::class_embedding_for(const torch::Tensor& labels) const {
  if (class_table_) {
    const int64_t n = class_table_->options.num_embeddings();
    if (labels.is_floating_point() || labels.dim() != 1) {
      throw Error("class labels must be a 1-D integer tensor");
    }
    if (labels.numel() > 0 &&
        (labels.min().item<int64_t>() < 0 || labels.max().item<int64_t>() >= n)) {
      throw Error("class labels must be in [0, " + std::to_string(n - 1) + "]");
    }
    return at::embedding(class_table_->weight, labels);
  }
  if (class_timestep_embedding_) {
    return class_timestep_embedding_->forward(time_features(labels));
  }
  // class_embed_type "identity": the labels are the embedding.
  return labels.to(torch::kFloat32);
}

torch::Tensor UNet2DModelImpl::forward(const torch::Tensor& input, const torch::Tensor& timesteps,
                                       const torch::Tensor& class_labels) {
  if (input.dim() != 4 || input.size(1) != config_.in_channels) {
    throw Error("UNet input must be [batch, " + std::to_string(config_.in_channels) +
                ", height, width]");
  }
  const int64_t batch = input.size(0);
  const bool fast = use_fast_path(fast_);
  torch::Tensor sample = input;
  if (config_.center_input_sample) {
    sample = 2 * sample - 1.0;
  }

  // UNet2DModel.forward broadcasts one timestep (or one per item) to the batch.
  torch::Tensor t = timesteps.dim() == 0 ? timesteps.unsqueeze(0) : timesteps;
  if (t.dim() != 1 || (t.size(0) != 1 && t.size(0) != batch)) {
    throw Error("timesteps must be a scalar or one value per batch item");
  }
  t = t * at::ones({batch}, t.options());
  torch::Tensor emb = time_embedding->forward(time_features(t));
  const bool class_conditional = class_table_ || class_timestep_embedding_ ||
                                 config_.class_embed_type == std::string("identity");
  if (class_conditional) {
    if (!class_labels.defined()) {
      throw Error("this UNet is class-conditional: class labels are required");
    }
    emb = emb + class_embedding_for(class_labels);
  } else if (class_labels.defined()) {
    throw Error("this UNet has no class embedding, but class labels were given");
  }

  torch::Tensor x = conv_in(sample, fast);
  std::vector<torch::Tensor> skips{x};
  for (const auto& block : down_blocks_) {
    x = block->forward(x, emb, fast, skips);
  }
  if (mid_block) {
    x = mid_block->forward(x, emb, fast);
  }
  for (const auto& block : up_blocks_) {
    x = block->forward(x, skips, emb, fast);
  }
  x = group_norm_activate(x, conv_norm_out, Activation::SiLU, fast);
  x = conv_out(x, fast);
  if (fourier_projection_) {
    x = x / t.to(torch::kFloat32).reshape({batch, 1, 1, 1});
  }
  return x;
}

int64_t parameter_count(UNet2DModelImpl& model) {
  int64_t count = 0;
  for (const auto& p : model.parameters()) {
    count += p.numel();
  }
  return count;
}

}  // namespace emergence
