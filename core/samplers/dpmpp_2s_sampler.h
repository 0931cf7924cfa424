#pragma once

#include "sigma_sampler.h"

namespace emergence {

// DPM-Solver++(2S) with r = ½ (Lu et al. 2022b, Algorithm 1), stepping on σ with stochastic
// noise as k-diffusion's two samplers of it do; 2N−1 model calls for N steps, the last a plain
// Euler step to σ = 0.
// - Sde, "DPM++ SDE" (k-diffusion `sample_dpmpp_sde`, η = 1; diffusers DPMSolverSDEScheduler):
//   each half of the step, to the midpoint m = √(σ_k·σ_{k+1}) and then from σ_k to σ_{k+1} with
//   the midpoint's x̂0, is an ancestral step: down to σ_down by the exponential integrator, then
//   fresh noise of σ_up. The peers draw that noise from a Brownian tree over σ; ours comes from
//   the run's noise source (the tests replay diffusers' Brownian draws).
// - Ancestral, "DPM++ 2S a" (k-diffusion `sample_dpmpp_2s_ancestral`, η = 1): the step goes down
//   to σ_down of Euler ancestral through the midpoint in λ between σ_k and σ_down, which for
//   η = 1 is σ_{k+1} itself, then adds noise of σ_up once.
class Dpmpp2sSampler : public SigmaSampler {
 public:
  enum class Noise { Sde, Ancestral };
  Dpmpp2sSampler(const NoiseSchedule& schedule, const SamplerSettings& settings, Noise noise);
  std::string name() const override { return noise_ == Noise::Sde ? "dpmpp_sde" : "dpmpp_2s_a"; }
  bool variance_exploding() const override { return true; }
  int calls_per_step() const override { return 2; }
  bool stochastic() const override { return true; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  Noise noise_;
  std::vector<float> step_sigma_, next_sigma_, midpoint_;
  torch::Tensor start_;  // the latent at σ_k, kept from the first call of a step for the second
};

}  // namespace emergence
