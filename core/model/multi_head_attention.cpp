#include "multi_head_attention.h"

#include <ATen/ATen.h>

#include <cmath>

namespace emergence {
namespace {

// diffusers get_attention_scores: baddbmm with α = 1/√d, β = 0 (β = 1 onto a mask).
torch::Tensor attention_scores(const torch::Tensor& q, const torch::Tensor& k_t,
                               const torch::Tensor& mask, double alpha) {
  const int64_t n = q.size(0), tq = q.size(1), d = q.size(2), tk = k_t.size(2);
  if (mask.defined()) {
    return at::baddbmm(mask.expand({n, tq, tk}), q, k_t, /*beta=*/1, alpha);
  }
  if (d * tq * tk < 400) {
    // torch 1.13's kernel for small products computes β·out + α·QKᵀ even for β = 0, reading the
    // fresh result buffer: garbage there turns scores into NaN. 0 + α·QKᵀ is the same value.
    return at::baddbmm(at::zeros({n, tq, tk}, q.options()), q, k_t, /*beta=*/1, alpha);
  }
  // Larger products go to BLAS, which ignores the buffer when β = 0.
  return at::baddbmm(at::empty({n, tq, tk}, q.options()), q, k_t, /*beta=*/0, alpha);
}

}  // namespace

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& mask) {
  const int64_t b = q.size(0), tq = q.size(1), tk = k.size(1);
  const int64_t d = q.size(2) / heads;
  const double alpha = 1.0 / std::sqrt(double(d));
  if (at::GradMode::is_enabled()) {
    // Training: diffusers head_to_batch_dim, [B, T, heads·d] → [B·heads, T, d], differentiable.
    const auto split_heads = [&](const torch::Tensor& t, int64_t tokens) {
      return t.reshape({b, tokens, heads, d}).permute({0, 2, 1, 3}).reshape({b * heads, tokens, d});
    };
    const torch::Tensor scores =
        attention_scores(split_heads(q, tq), split_heads(k, tk).transpose(1, 2), mask, alpha);
    return at::bmm(at::softmax(scores, -1), split_heads(v, tk))
        .reshape({b, heads, tq, d})
        .permute({0, 2, 1, 3})
        .reshape({b, tq, heads * d});
  }
  // Inference: the same products without head_to_batch_dim's copies. Each batch item's
  // [T, heads·d] is read as [heads, T, d] in place and the output written straight back.
  const torch::Tensor qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
  const auto as_heads = [heads, d](const torch::Tensor& t, int64_t item, int64_t tokens) {
    return t[item].view({tokens, heads, d}).transpose(0, 1);
  };
  // A mask broadcasts against [B·heads, Tq, Tk]: each item takes its heads when it has them all.
  const bool per_head_mask = mask.defined() && mask.dim() == 3 && mask.size(0) == b * heads;
  torch::Tensor out = at::empty({b, tq, heads * d}, q.options());
  for (int64_t i = 0; i < b; ++i) {
    const torch::Tensor item_mask = per_head_mask ? mask.narrow(0, i * heads, heads) : mask;
    torch::Tensor scores = attention_scores(as_heads(qc, i, tq),
                                            as_heads(kc, i, tk).transpose(1, 2), item_mask, alpha);
    torch::Tensor slot = out[i].view({tq, heads, d}).transpose(0, 1);
    // Softmax in place: the scores are this call's own, [heads, Tq, Tk] (512 MB at 4096 tokens).
    at::_softmax_out(scores, scores, -1, false);
    at::bmm_out(slot, scores, as_heads(vc, i, tk));
  }
  return out;
}

}  // namespace emergence
