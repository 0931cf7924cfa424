#pragma once

#include <torch/types.h>

namespace emergence {

// softmax(Q·Kᵀ/√d + mask)·V over `heads` heads (Vaswani et al. 2017, eq. 1), computed as diffusers'
// AttnProcessor does: baddbmm with α = 1/√d, softmax in the input's dtype. q [B, Tq, heads·d],
// k and v [B, Tk, heads·d] → [B, Tq, heads·d]. `mask`, when defined, is added to the scores and
// broadcasts against [B·heads, Tq, Tk] (a [Tq, Tk] causal mask of 0 and −inf, say).
torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& mask = {});

}  // namespace emergence
