#pragma once

#include <deque>

#include "sigma_sampler.h"

namespace emergence {

// Linear multistep (variable-step Adams–Bashforth) on the probability-flow ODE in σ, as
// k-diffusion's `sample_lms` (order 4, `linear_multistep_coeff`) and diffusers'
// LMSDiscreteScheduler: x_next = x + Σ_k c_k·d_{i−k}, with d = (x − x̂0)/σ and c_k the integral
// over [σ_i, σ_{i+1}] of the Lagrange basis polynomial of σ_{i−k} through the last `order` σ.
class LmsSampler : public SigmaSampler {
 public:
  LmsSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
      : SigmaSampler(schedule, settings) {}
  std::string name() const override { return "lms"; }
  bool variance_exploding() const override { return true; }
  torch::Tensor scale_model_input(const torch::Tensor& x, int i) const override {
    return scale_by_sigma(x, sigmas_[i]);
  }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  static constexpr int kOrder = 4;         // diffusers' step(order=4) and k-diffusion's default
  std::deque<torch::Tensor> derivatives_;  // newest last, at most kOrder
};

}  // namespace emergence
