#include "transformer_2d.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>

#include "layer_ops.h"

namespace emergence {

Transformer2DImpl::Transformer2DImpl(const Transformer2DOptions& o) : options_(o) {
  using namespace torch::nn;
  const int64_t head_dim = o.channels / o.heads;
  const int64_t inner = o.heads * head_dim;
  norm = register_module("norm", GroupNorm(GroupNormOptions(o.groups, o.channels).eps(1e-6)));
  if (o.use_linear_projection) {
    linear_proj_in_ = register_module("proj_in", Linear(o.channels, inner));
  } else {
    conv_proj_in_ = register_module("proj_in", Conv2d(Conv2dOptions(o.channels, inner, 1)));
  }
  BasicTransformerBlockOptions block;
  block.dim = inner;
  block.heads = o.heads;
  block.head_dim = head_dim;
  block.context_dim = o.context_dim;
  block.only_cross_attention = o.only_cross_attention;
  block.upcast_attention = o.upcast_attention;
  ModuleList list;
  for (int64_t i = 0; i < o.layers; ++i) {
    blocks_.emplace_back(block);
    list->push_back(blocks_.back());
  }
  register_module("transformer_blocks", list);
  if (o.use_linear_projection) {
    linear_proj_out_ = register_module("proj_out", Linear(inner, o.channels));
  } else {
    conv_proj_out_ = register_module("proj_out", Conv2d(Conv2dOptions(inner, o.channels, 1)));
  }
}

torch::Tensor Transformer2DImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                         bool fast) const {
  return use_fast_path(fast) ? fast_forward(x, context) : plain_forward(x, context);
}

torch::Tensor Transformer2DImpl::plain_forward(const torch::Tensor& x,
                                               const torch::Tensor& context) const {
  const int64_t b = x.size(0), h = x.size(2), w = x.size(3);
  const torch::Tensor normed = group_norm(x, norm);
  // [B, C, H, W] <-> [B, H·W, C] exactly where diffusers' _operate_on_continuous_inputs and
  // _get_output_for_continuous_inputs put them, on either side of the projection.
  torch::Tensor tokens;
  if (linear_proj_in_) {
    tokens = linear(normed.permute({0, 2, 3, 1}).reshape({b, h * w, x.size(1)}), linear_proj_in_);
  } else {
    const torch::Tensor projected = at::conv2d(normed, conv_proj_in_->weight, conv_proj_in_->bias);
    tokens = projected.permute({0, 2, 3, 1}).reshape({b, h * w, projected.size(1)});
  }
  for (const auto& block : blocks_) {
    tokens = block->forward(tokens, context, false);
  }
  torch::Tensor out;
  if (linear_proj_out_) {
    out = linear(tokens, linear_proj_out_);
    out = out.reshape({b, h, w, out.size(2)}).permute({0, 3, 1, 2}).contiguous();
  } else {
    out = tokens.reshape({b, h, w, tokens.size(2)}).permute({0, 3, 1, 2}).contiguous();
    out = at::conv2d(out, conv_proj_out_->weight, conv_proj_out_->bias);
  }
  return out + x;
}

torch::Tensor Transformer2DImpl::fast_forward(const torch::Tensor& x,
                                              const torch::Tensor& context) const {
  const int64_t b = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
  // A projection's weight as [out, in], whether it is a 1×1 convolution or a Linear.
  const torch::Tensor& w_in = linear_proj_in_ ? linear_proj_in_->weight : conv_proj_in_->weight;
  const torch::Tensor& w_out = linear_proj_out_ ? linear_proj_out_->weight : conv_proj_out_->weight;
  const torch::Tensor& bias_in = linear_proj_in_ ? linear_proj_in_->bias : conv_proj_in_->bias;
  const torch::Tensor& bias_out = linear_proj_out_ ? linear_proj_out_->bias : conv_proj_out_->bias;
  const int64_t inner = w_in.size(0);
  const torch::Tensor w_in_2d = w_in.reshape({inner, c});
  const torch::Tensor w_out_2d = w_out.reshape({c, inner});

  // tokens_i [H·W, inner] = normed_iᵀ · W_inᵀ + b_in, normed_i read as [C, H·W] in place.
  const torch::Tensor normed = group_norm(x, norm).contiguous().view({b, c, hw});
  torch::Tensor tokens = at::empty({b, hw, inner}, x.options());
  for (int64_t i = 0; i < b; ++i) {
    torch::Tensor slot = tokens[i];
    at::addmm_out(slot, bias_in, normed[i].t(), w_in_2d.t());
  }
  for (const auto& block : blocks_) {
    tokens = block->forward(tokens, context, true);
  }
  // out_i [C, H·W] = x_i + b_out + W_out · tokens_iᵀ, written straight into NCHW.
  torch::Tensor out = at::add(x, bias_out.view({1, c, 1, 1})).contiguous();
  const torch::Tensor out_flat = out.view({b, c, hw});
  for (int64_t i = 0; i < b; ++i) {
    out_flat[i].addmm_(w_out_2d, tokens[i].t());
  }
  return out;
}

}  // namespace emergence
