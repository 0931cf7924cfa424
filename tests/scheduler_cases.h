#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/sampling_loop.h"
#include "core/scheduler_config.h"

namespace emergence::test {

// One recorded diffusers (or k-diffusion) scheduler run, tests/data/schedulers/<name>: the config,
// the initial latent, every model input and output, the trajectory, and the noise draws.
struct ReferenceCase {
  std::string name;
  SchedulerConfig config;
  torch::Tensor x_init, timesteps, alphas_cumprod, trajectory, model_inputs, model_outputs;
  torch::Tensor sigmas, noises;  // present for some cases only
  double init_noise_sigma = 1.0;
  uint64_t seed = 0;
  bool brownian_noise = false;  // noises.npy is torchsde's Brownian tree, not the seed's draws
};

// The case, configured with diffusers' own arithmetic where ours deliberately differs.
ReferenceCase load_case(const std::string& name);

// The recorded noise draws, one tensor per draw (none when the case has no noises.npy).
std::vector<torch::Tensor> split_draws(const torch::Tensor& noises);

// The recorded fake model: 0.5·tanh(x) + float32(0.001·t), evaluated in float32.
torch::Tensor fake_model(const torch::Tensor& x, double t, const Conditioning&);

}  // namespace emergence::test
