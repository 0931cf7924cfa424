#pragma once

#include "sigma_sampler.h"

namespace emergence {

// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2, midpoint form), as the σ-based
// DPMSolverMultistepScheduler of diffusers ≥ 0.22: the latent is variance preserving, the model
// output is turned into x̂0 and steps combine the last two x̂0 in λ = log(α/σ). The SDE variants
// are that scheduler's algorithm_type "sde-dpmsolver++" (Lu et al. 2022, §4 / eq. 18: the
// first-order step keeps e^{−h} of the latent and adds σ_t·√(1 − e^{−2h}) fresh noise; k-diffusion
// `sample_dpmpp_2m_sde` with η = 1), its second-order term in midpoint or Heun form. DPM++ 3M SDE
// is that scheduler's solver_order 3 ("sde-dpmsolver++" branch of
// multistep_dpm_solver_third_order_update): the last three x̂0, its second-order steps midpoint.
class DpmSolverPPSampler : public SigmaSampler {
 public:
  enum class Variant { Ode, SdeMidpoint, SdeHeun, Sde3M };
  DpmSolverPPSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
                     Variant variant = Variant::Ode)
      : SigmaSampler(schedule, settings, GridTimesteps::DpmSolver), variant_(variant) {}
  std::string name() const override;
  bool stochastic() const override { return variant_ != Variant::Ode; }
  double init_noise_sigma() const override { return 1.0; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  Variant variant_;
  torch::Tensor previous_x0_, second_previous_x0_;  // x̂0 of calls i−1 and i−2
  int lower_order_nums_ = 0;
};

}  // namespace emergence
