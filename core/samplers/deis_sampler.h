#pragma once

#include <deque>

#include "sigma_sampler.h"

namespace emergence {

// DEIS (Zhang & Chen 2023, "Fast Sampling of Diffusion Models with Exponential Integrator",
// the multistep ρAB-DEIS: ε̂ extrapolated by a Lagrange polynomial in log ρ, ρ = σ/α, and
// integrated exactly), as diffusers' DEISMultistepScheduler (algorithm "deis", solver "logrho",
// order 2): the latent is variance preserving and the last step ends at σ(0), not 0.
class DeisSampler : public SigmaSampler {
 public:
  DeisSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
      : SigmaSampler(schedule, settings, GridTimesteps::Integer, FinalSigma::Smallest) {}
  std::string name() const override { return "deis"; }
  double init_noise_sigma() const override { return 1.0; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  static constexpr int kOrder = 2;  // diffusers' default solver_order
  torch::Tensor previous_eps_;
  int lower_order_nums_ = 0;
};

}  // namespace emergence
