#pragma once

#include "sigma_sampler.h"

namespace emergence {

// Euler's method on the probability-flow ODE (Karras et al. 2022, Algorithm 1 without churn),
// as diffusers' EulerDiscreteScheduler.
class EulerSampler : public SigmaSampler {
 public:
  EulerSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
      : SigmaSampler(schedule, settings) {}
  std::string name() const override { return "euler"; }
  bool variance_exploding() const override { return true; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;
};

}  // namespace emergence
