#pragma once

#include "sigma_sampler.h"

namespace emergence {

// Heun's second-order method (Karras et al. 2022, Algorithm 1), as diffusers'
// HeunDiscreteScheduler: calls alternate between an Euler predictor and a trapezoidal corrector,
// 2N−1 model calls for N steps, the last one a plain Euler step to σ = 0. Where σ falls more
// than threefold in one step the correction is limited (see step(); diffusers' own trapezoid
// with SamplerSettings::heun_extrapolate).
class HeunSampler : public SigmaSampler {
 public:
  HeunSampler(const NoiseSchedule& schedule, const SamplerSettings& settings);
  std::string name() const override { return "heun"; }
  bool variance_exploding() const override { return true; }
  int calls_per_step() const override { return 2; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  torch::Tensor prev_derivative_;
  torch::Tensor prev_sample_;
  float dt_ = 0.0f;
};

}  // namespace emergence
