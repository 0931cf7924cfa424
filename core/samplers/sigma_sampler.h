#pragma once

#include "../sampler.h"

namespace emergence {

// Shared set-up of the samplers that step on σ (Euler, Euler ancestral, Heun, DPM-Solver++):
// σ_i = σ(t_i) interpolated from the training schedule, or the σ of a schedule made of σ (Karras,
// exponential, beta, …) themselves, then a final σ = 0 (diffusers `final_sigmas_type="zero"`).
class SigmaSampler : public Sampler {
 public:
  SigmaSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
               bool round_timesteps = false);
  double init_noise_sigma() const override;

 protected:
  NoiseSchedule schedule_;
  SamplerSettings settings_;
  std::vector<float> sigmas_;  // size num_calls()+1, last is 0

 private:
  void set_sigma_grid(bool integer_timesteps);
  void set_timestep_grid(bool round_timesteps);
};

// The Euler/Heun family of diffusers divides the latent by √(σ²+1) before the model sees it.
torch::Tensor scale_by_sigma(const torch::Tensor& x, float sigma);

}  // namespace emergence
