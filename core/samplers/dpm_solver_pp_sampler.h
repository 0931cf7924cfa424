#pragma once

#include "sigma_sampler.h"

namespace emergence {

// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2, midpoint form), as the σ-based
// DPMSolverMultistepScheduler of diffusers ≥ 0.22: the latent is variance preserving, the model
// output is turned into x̂0 and steps combine the last two x̂0 in λ = log(α/σ).
class DpmSolverPPSampler : public SigmaSampler {
 public:
  DpmSolverPPSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
      : SigmaSampler(schedule, settings, GridTimesteps::DpmSolver) {}
  std::string name() const override { return "dpmpp_2m"; }
  double init_noise_sigma() const override { return 1.0; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  torch::Tensor previous_x0_;
  int lower_order_nums_ = 0;
};

}  // namespace emergence
