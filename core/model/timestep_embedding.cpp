#include "timestep_embedding.h"

#include <ATen/ATen.h>

#include <cmath>

namespace emergence {

torch::Tensor sinusoidal_timestep_embedding(const torch::Tensor& timesteps, int64_t dim,
                                            bool flip_sin_to_cos, double freq_shift) {
  // Same operations in the same float32 order as diffusers, so the embedding matches bit for bit.
  const int64_t half = dim / 2;
  torch::Tensor exponent =
      at::arange(half, timesteps.options().dtype(torch::kFloat32)) * (-std::log(10000.0));
  exponent = exponent / (static_cast<double>(half) - freq_shift);
  const torch::Tensor frequencies = at::exp(exponent);
  const torch::Tensor angles =
      timesteps.unsqueeze(1).to(torch::kFloat32) * frequencies.unsqueeze(0);
  torch::Tensor emb = flip_sin_to_cos ? at::cat({at::cos(angles), at::sin(angles)}, -1)
                                      : at::cat({at::sin(angles), at::cos(angles)}, -1);
  if (dim % 2 == 1) {
    emb = at::constant_pad_nd(emb, {0, 1, 0, 0});
  }
  return emb;
}

GaussianFourierProjectionImpl::GaussianFourierProjectionImpl(int64_t embedding_size, double scale) {
  weight = register_parameter("weight", torch::randn({embedding_size}) * scale,
                              /*requires_grad=*/false);
}

torch::Tensor GaussianFourierProjectionImpl::forward(const torch::Tensor& sigmas) const {
  const torch::Tensor x = at::log(sigmas.to(torch::kFloat32));
  const torch::Tensor projected = x.unsqueeze(1) * weight.unsqueeze(0) * 2 * M_PI;
  return at::cat({at::sin(projected), at::cos(projected)}, -1);
}

TimestepEmbeddingImpl::TimestepEmbeddingImpl(int64_t in_channels, int64_t embed_dim) {
  linear_1 = register_module("linear_1", torch::nn::Linear(in_channels, embed_dim));
  linear_2 = register_module("linear_2", torch::nn::Linear(embed_dim, embed_dim));
}

torch::Tensor TimestepEmbeddingImpl::forward(const torch::Tensor& x) const {
  return at::linear(at::silu(at::linear(x, linear_1->weight, linear_1->bias)), linear_2->weight,
                    linear_2->bias);
}

}  // namespace emergence
