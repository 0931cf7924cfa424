#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace emergence {

// Sinusoidal embedding of (fractional) timesteps, [N] -> [N, dim] (diffusers
// get_timestep_embedding; Vaswani et al. 2017, §3.5, as used by Ho et al. 2020).
torch::Tensor sinusoidal_timestep_embedding(const torch::Tensor& timesteps, int64_t dim,
                                            bool flip_sin_to_cos, double freq_shift);

// Random Fourier features of log σ (diffusers GaussianFourierProjection with log=True; Song et
// al. 2021, NCSN++). The frequencies are the state-dict entry "weight".
class GaussianFourierProjectionImpl : public torch::nn::Module {
 public:
  GaussianFourierProjectionImpl(int64_t embedding_size, double scale);
  torch::Tensor forward(const torch::Tensor& sigmas) const;

  torch::Tensor weight;
};
TORCH_MODULE(GaussianFourierProjection);

// linear_1 -> SiLU -> linear_2 (diffusers TimestepEmbedding with its default act_fn).
class TimestepEmbeddingImpl : public torch::nn::Module {
 public:
  TimestepEmbeddingImpl(int64_t in_channels, int64_t embed_dim);
  torch::Tensor forward(const torch::Tensor& x) const;

  torch::nn::Linear linear_1{nullptr};
  torch::nn::Linear linear_2{nullptr};
};
TORCH_MODULE(TimestepEmbedding);

}  // namespace emergence
