#include "unet2d_condition_model.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>

#include <sstream>

#include "core/error.h"

namespace emergence {
namespace {

std::string condition_shape_text(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

}  // namespace

UNet2DConditionModelImpl::UNet2DConditionModelImpl(const UNet2DConditionConfig& config)
    : config_(config) {
  using namespace torch::nn;
  validate(config_);
  const UNet2DConditionConfig& c = config_;
  const auto& channels = c.block_out_channels;
  const int64_t levels = static_cast<int64_t>(channels.size());
  const int64_t temb_dim = c.time_embed_dim();

  conv_in = PackedConv2d(
      register_module("conv_in", Conv2d(Conv2dOptions(c.in_channels, channels[0], c.conv_in_kernel)
                                            .padding((c.conv_in_kernel - 1) / 2))));
  time_embedding = register_module("time_embedding", TimestepEmbedding(channels[0], temb_dim));

  BlockOptions shared;
  shared.temb_channels = temb_dim;
  shared.groups = c.norm_num_groups;
  shared.eps = c.norm_eps;
  shared.activation = parse_activation(c.act_fn);
  shared.scale_shift = c.resnet_time_scale_shift == "scale_shift";
  CrossAttnSharedOptions cross;
  cross.context_dim = c.cross_attention_dim;
  cross.use_linear_projection = c.use_linear_projection;
  cross.upcast_attention = c.upcast_attention;
  auto layer_options = [&](int64_t block) {
    CrossAttnLayerOptions o;
    o.heads = c.heads(block);
    o.layers = c.transformer_layers(block);
    o.only_cross_attention = c.only_cross(block);
    return o;
  };

  ModuleList down_list;
  for (int64_t i = 0; i < levels; ++i) {
    const int64_t in = channels[i == 0 ? 0 : i - 1], out = channels[i];
    const bool last = i == levels - 1;
    DownLevel level;
    if (c.down_block_types[i] == "CrossAttnDownBlock2D") {
      CrossAttnDownBlockOptions o;
      o.in_channels = in;
      o.out_channels = out;
      o.layers = c.layers(i);
      o.attention = layer_options(i);
      o.add_downsample = !last;
      o.downsample_padding = c.downsample_padding;
      level.cross = CrossAttnDownBlock(shared, cross, o);
      down_list->push_back(level.cross);
    } else {
      DownBlockOptions o;
      o.in_channels = in;
      o.out_channels = out;
      o.layers = c.layers(i);
      o.add_downsample = !last;
      o.downsample_padding = c.downsample_padding;
      level.plain = DownBlock(shared, o);
      down_list->push_back(level.plain);
    }
    down_levels_.push_back(level);
  }
  register_module("down_blocks", down_list);

  if (c.mid_block_type) {
    CrossAttnMidBlockOptions o;
    o.channels = channels.back();
    o.attention = layer_options(levels - 1);
    o.output_scale_factor = c.mid_block_scale_factor;
    mid_block = register_module("mid_block", CrossAttnMidBlock(shared, cross, o));
  }

  // The up path mirrors the down path: block i works at level levels − 1 − i, with that level's
  // heads, layers and only_cross_attention (diffusers' reversed_* lists).
  ModuleList up_list;
  for (int64_t i = 0; i < levels; ++i) {
    const int64_t level_index = levels - 1 - i;
    const int64_t prev = channels[levels - 1 - (i == 0 ? 0 : i - 1)];
    const int64_t out = channels[level_index];
    const int64_t in = channels[levels - 1 - std::min(i + 1, levels - 1)];
    const bool last = i == levels - 1;
    UpLevel level;
    if (c.up_block_types[i] == "CrossAttnUpBlock2D") {
      CrossAttnUpBlockOptions o;
      o.in_channels = in;
      o.prev_output_channels = prev;
      o.out_channels = out;
      o.layers = c.layers(level_index) + 1;
      o.attention = layer_options(level_index);
      o.add_upsample = !last;
      level.cross = CrossAttnUpBlock(shared, cross, o);
      up_list->push_back(level.cross);
    } else {
      UpBlockOptions o;
      o.in_channels = in;
      o.prev_output_channels = prev;
      o.out_channels = out;
      o.layers = c.layers(level_index) + 1;
      o.add_upsample = !last;
      level.plain = UpBlock(shared, o);
      up_list->push_back(level.plain);
    }
    up_levels_.push_back(level);
  }
  register_module("up_blocks", up_list);

  conv_norm_out = register_module(
      "conv_norm_out", GroupNorm(GroupNormOptions(c.norm_num_groups, channels[0]).eps(c.norm_eps)));
  conv_out = PackedConv2d(register_module(
      "conv_out", Conv2d(Conv2dOptions(channels[0], c.out_channels, c.conv_out_kernel)
                             .padding((c.conv_out_kernel - 1) / 2))));
}

void UNet2DConditionModelImpl::check_inputs(const torch::Tensor& sample,
                                            const torch::Tensor& timesteps,
                                            const torch::Tensor& context) const {
  const std::string what = "UNet2DConditionModel: ";
  const auto& weight = time_embedding->linear_1->weight;
  if (!sample.defined() || sample.dim() != 4 || sample.size(1) != config_.in_channels) {
    throw Error(what + "the latent must be [batch, " + std::to_string(config_.in_channels) +
                ", height, width], not " +
                (sample.defined() ? condition_shape_text(sample) : "empty"));
  }
  const int64_t batch = sample.size(0);
  if (sample.size(2) == 0 || sample.size(3) == 0) {
    throw Error(what + "the latent is " + std::to_string(sample.size(2)) + "×" +
                std::to_string(sample.size(3)) + "; its height and width must be positive");
  }
  if (!context.defined() || context.dim() != 3 || context.size(0) != batch ||
      context.size(2) != config_.cross_attention_dim) {
    throw Error(what + "encoder_hidden_states must be [" + std::to_string(batch) + ", tokens, " +
                std::to_string(config_.cross_attention_dim) + "] (cross_attention_dim), not " +
                (context.defined() ? condition_shape_text(context) : "empty"));
  }
  if (!timesteps.defined() || timesteps.dim() > 1 ||
      (timesteps.dim() == 1 && timesteps.size(0) != 1 && timesteps.size(0) != batch)) {
    throw Error(what + "timesteps must be one value or one per batch item (" +
                std::to_string(batch) + "), not " +
                (timesteps.defined() ? condition_shape_text(timesteps) : "empty"));
  }
  for (const auto* input : {&sample, &context}) {
    if (input->scalar_type() != weight.scalar_type() || input->device() != weight.device()) {
      throw Error(what + (input == &sample ? "the latent" : "encoder_hidden_states") + " is " +
                  std::string(c10::toString(input->scalar_type())) + " on " +
                  input->device().str() + ", but the weights are " +
                  std::string(c10::toString(weight.scalar_type())) + " on " +
                  weight.device().str());
    }
  }
}

torch::Tensor UNet2DConditionModelImpl::forward(const torch::Tensor& input,
                                                const torch::Tensor& timesteps,
                                                const torch::Tensor& context) {
  check_inputs(input, timesteps, context);
  const bool fast = use_fast_path(fast_);
  const int64_t batch = input.size(0);
  const torch::Tensor sample = config_.center_input_sample ? 2 * input - 1.0 : input;

  // get_time_embed: one timestep (or one per item) broadcast to the batch; the sinusoids are
  // float32 and then cast to the latent's dtype.
  const torch::Tensor t =
      (timesteps.dim() == 0 ? timesteps.unsqueeze(0) : timesteps).expand({batch});
  const torch::Tensor features =
      sinusoidal_timestep_embedding(t, config_.block_out_channels[0], config_.flip_sin_to_cos,
                                    config_.freq_shift)
          .to(sample.scalar_type());
  const torch::Tensor emb = time_embedding->forward(features);

  torch::Tensor x = conv_in(sample, fast);
  std::vector<torch::Tensor> skips{x};
  for (const DownLevel& level : down_levels_) {
    x = level.cross ? level.cross->forward(x, emb, context, fast, skips)
                    : level.plain->forward(x, emb, fast, skips);
  }
  if (mid_block) {
    x = mid_block->forward(x, emb, context, fast);
  }
  for (const UpLevel& level : up_levels_) {
    x = level.cross ? level.cross->forward(x, skips, emb, context, fast)
                    : level.plain->forward(x, skips, emb, fast);
  }
  x = group_norm_activate(x, conv_norm_out, Activation::SiLU, fast);
  return conv_out(x, fast);
}

int64_t parameter_count(UNet2DConditionModelImpl& model) {
  int64_t count = 0;
  for (const auto& p : model.parameters()) {
    count += p.numel();
  }
  return count;
}

}  // namespace emergence
