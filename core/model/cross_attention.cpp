#include "cross_attention.h"

#include <ATen/ATen.h>

#include "layer_ops.h"
#include "multi_head_attention.h"

namespace emergence {

CrossAttentionImpl::CrossAttentionImpl(const CrossAttentionOptions& o) : options_(o) {
  using namespace torch::nn;
  const int64_t inner = o.heads * o.head_dim;
  const int64_t kv_dim = o.context_dim > 0 ? o.context_dim : o.query_dim;
  to_q = register_module("to_q", Linear(LinearOptions(o.query_dim, inner).bias(false)));
  to_k = register_module("to_k", Linear(LinearOptions(kv_dim, inner).bias(false)));
  to_v = register_module("to_v", Linear(LinearOptions(kv_dim, inner).bias(false)));
  out_projection = Linear(inner, o.query_dim);
  to_out = register_module("to_out", ModuleList(out_projection));
}

torch::Tensor CrossAttentionImpl::forward(const torch::Tensor& x,
                                          const torch::Tensor& context) const {
  const torch::Tensor& source = context.defined() ? context : x;
  torch::Tensor q = linear(x, to_q);
  torch::Tensor k = linear(source, to_k);
  torch::Tensor v = linear(source, to_v);
  torch::Tensor attended;
  if (options_.upcast && q.scalar_type() != torch::kFloat32) {
    // diffusers get_attention_scores casts Q and K to float32 under upcast_attention; the values
    // follow here too, which only adds precision.
    attended = multi_head_attention(q.to(torch::kFloat32), k.to(torch::kFloat32),
                                    v.to(torch::kFloat32), options_.heads)
                   .to(q.scalar_type());
  } else {
    attended = multi_head_attention(q, k, v, options_.heads);
  }
  return linear(attended, out_projection);
}

}  // namespace emergence
