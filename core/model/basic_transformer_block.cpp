#include "basic_transformer_block.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/dropout.h>

#include <memory>

#include "layer_ops.h"

namespace emergence {
namespace {

torch::nn::LayerNorm make_transformer_block_norm(int64_t dim) {
  // diffusers BasicTransformerBlock's norm_eps default; the CrossAttn blocks never change it.
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5));
}

torch::Tensor transformer_block_norm(const torch::Tensor& x, const torch::nn::LayerNorm& norm) {
  const auto& o = norm->options;
  return at::layer_norm(x, o.normalized_shape(), norm->weight, norm->bias, o.eps());
}

}  // namespace

BasicTransformerBlockImpl::BasicTransformerBlockImpl(const BasicTransformerBlockOptions& o)
    : options_(o) {
  using namespace torch::nn;
  CrossAttentionOptions self;
  self.query_dim = o.dim;
  self.heads = o.heads;
  self.head_dim = o.head_dim;
  self.upcast = o.upcast_attention;
  CrossAttentionOptions cross = self;
  cross.context_dim = o.context_dim;
  norm1 = register_module("norm1", make_transformer_block_norm(o.dim));
  attn1 = register_module("attn1", CrossAttention(o.only_cross_attention ? cross : self));
  norm2 = register_module("norm2", make_transformer_block_norm(o.dim));
  attn2 = register_module("attn2", CrossAttention(cross));
  norm3 = register_module("norm3", make_transformer_block_norm(o.dim));

  // diffusers FeedForward: net = [GEGLU (holding proj), Dropout, Linear]; GEGLU holds nothing
  // but its projection, so a plain module carries the name.
  const int64_t inner = 4 * o.dim;
  auto geglu = std::make_shared<Module>("GEGLU");
  geglu_proj_ = geglu->register_module("proj", Linear(o.dim, 2 * inner));
  ff_out_ = Linear(inner, o.dim);
  ModuleList net;
  net->push_back(geglu);
  net->push_back(Dropout(0.0));
  net->push_back(ff_out_);
  auto ff = std::make_shared<Module>("FeedForward");
  ff->register_module("net", net);
  register_module("ff", ff);
}

torch::Tensor BasicTransformerBlockImpl::feed_forward(const torch::Tensor& x, bool in_place) const {
  const auto halves = linear(x, geglu_proj_).chunk(2, -1);
  torch::Tensor gate = at::gelu(halves[1]);
  return linear(in_place ? gate.mul_(halves[0]) : halves[0] * gate, ff_out_);
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x,
                                                 const torch::Tensor& context, bool fast) const {
  const bool in_place = use_fast_path(fast);
  // Each residual branch's output is a fresh tensor, so the fast path adds into it.
  auto residual = [in_place](torch::Tensor branch, const torch::Tensor& skip) {
    return in_place ? branch.add_(skip) : branch + skip;
  };
  const torch::Tensor self_context = options_.only_cross_attention ? context : torch::Tensor();
  torch::Tensor h = residual(attn1->forward(transformer_block_norm(x, norm1), self_context), x);
  h = residual(attn2->forward(transformer_block_norm(h, norm2), context), h);
  return residual(feed_forward(transformer_block_norm(h, norm3), in_place), h);
}

}  // namespace emergence
