#include "attention_block.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "layer_ops.h"
#include "multi_head_attention.h"

namespace emergence {

AttentionBlockImpl::AttentionBlockImpl(const AttentionBlockOptions& o) : options_(o) {
  using namespace torch::nn;
  heads_ = o.head_dim > 0 ? o.channels / o.head_dim : 0;
  if (heads_ < 1) {
    throw Error("attention_head_dim " + std::to_string(o.head_dim) + " must be in [1, " +
                std::to_string(o.channels) + "]");
  }
  const int64_t inner = heads_ * o.head_dim;
  if (o.norm_groups) {
    group_norm = register_module(
        "group_norm", GroupNorm(GroupNormOptions(*o.norm_groups, o.channels).eps(o.eps)));
  }
  to_q = register_module("to_q", Linear(o.channels, inner));
  to_k = register_module("to_k", Linear(o.channels, inner));
  to_v = register_module("to_v", Linear(o.channels, inner));
  out_projection = Linear(inner, o.channels);
  to_out = register_module("to_out", ModuleList(out_projection));
}

torch::Tensor AttentionBlockImpl::forward(const torch::Tensor& x, bool fast) const {
  const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t tokens = h * w;
  torch::Tensor normed = group_norm ? emergence::group_norm(x, group_norm) : x;
  // [B, C, H, W] -> [B, H·W, C]: a free view when x is channels-last.
  const torch::Tensor sequence = normed.reshape({b, c, tokens}).transpose(1, 2);

  const torch::Tensor attended = multi_head_attention(
      linear(sequence, to_q), linear(sequence, to_k), linear(sequence, to_v), heads_);
  torch::Tensor out = linear(attended, out_projection).transpose(1, 2).reshape({b, c, h, w});
  const bool in_place = use_fast_path(fast);
  out = in_place ? out.add_(x) : out + x;
  if (options_.rescale_output_factor != 1.0) {
    out =
        in_place ? out.div_(options_.rescale_output_factor) : out / options_.rescale_output_factor;
  }
  return out;
}

}  // namespace emergence
