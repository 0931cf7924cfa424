#pragma once

#include "sigma_sampler.h"

namespace emergence {

// DPM2, k-diffusion's `sample_dpm_2` ("inspired by DPM-Solver-2 and Algorithm 2 from Karras et
// al. 2022") as diffusers' KDPM2DiscreteScheduler: an Euler half-step to the geometric mean of
// σ_i and σ_{i+1} (the midpoint in λ), then the full step with the slope there; 2N−1 model calls
// for N steps, the last a plain Euler step to σ = 0. The ancestral form (`sample_dpm_2_ancestral`,
// KDPM2AncestralDiscreteScheduler) steps to σ_down of Euler ancestral and adds noise of σ_up.
// Where σ falls more than threefold the full step is limited (see step();
// SamplerSettings::dpm2_extrapolate for diffusers' own).
class Dpm2Sampler : public SigmaSampler {
 public:
  Dpm2Sampler(const NoiseSchedule& schedule, const SamplerSettings& settings, bool ancestral);
  std::string name() const override { return ancestral_ ? "dpm2_a" : "dpm2"; }
  bool variance_exploding() const override { return true; }
  int calls_per_step() const override { return 2; }
  bool stochastic() const override { return ancestral_; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  bool ancestral_;
  // Per step k of the N: its σ and σ_{k+1}, where its midpoint call sits, where its full step
  // lands before the noise (σ_{k+1}, or σ_down when ancestral) and the noise then added (σ_up).
  std::vector<float> step_sigma_, next_sigma_, midpoint_, target_, sigma_up_;
  torch::Tensor start_;  // the latent at σ_k, kept from the Euler half-step for the full step
};

}  // namespace emergence
