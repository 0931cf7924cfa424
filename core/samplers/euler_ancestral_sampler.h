#pragma once

#include "sigma_sampler.h"

namespace emergence {

// Ancestral Euler (k-diffusion `sample_euler_ancestral`), as diffusers'
// EulerAncestralDiscreteScheduler: a deterministic step to σ_down, then fresh noise of σ_up.
class EulerAncestralSampler : public SigmaSampler {
 public:
  EulerAncestralSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
      : SigmaSampler(schedule, settings) {}
  std::string name() const override { return "euler_a"; }
  bool variance_exploding() const override { return true; }
  bool stochastic() const override { return true; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;
};

}  // namespace emergence
