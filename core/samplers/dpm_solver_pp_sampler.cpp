#include "dpm_solver_pp_sampler.h"

#include <cmath>

namespace emergence {

StepResult DpmSolverPPSampler::step(const torch::Tensor& model_output, int i,
                                    const torch::Tensor& x, NoiseSource&) {
  const int n = num_calls();
  const VpPoint s0 = vp_point(sigmas_[i]);
  const VpPoint t = vp_point(sigmas_[i + 1]);
  const CleanAndNoise p = split_vp(x, model_output, s0.alpha * s0.alpha, settings_.prediction);
  const torch::Tensor x0 = vp_x0(x, model_output, s0, settings_.prediction);
  // The step to σ = 0 is always first order (final_sigmas_type "zero").
  const bool lower_order_final = i == n - 1;
  const float h = t.lambda - s0.lambda;
  const float phi = t.alpha * (std::exp(-h) - 1.0f);
  torch::Tensor prev;
  if (lower_order_nums_ < 1 || lower_order_final) {
    // First order (DPM-Solver++ 1 = DDIM): x_t = (σ_t/σ_s)·x − α_t(e^{−h} − 1)·x̂0.
    prev = (t.sigma / s0.sigma) * x - phi * x0;
  } else {
    const VpPoint s1 = vp_point(sigmas_[i - 1]);
    const float r0 = (s0.lambda - s1.lambda) / h;
    const torch::Tensor d1 = (1.0f / r0) * (x0 - previous_x0_);
    prev = (t.sigma / s0.sigma) * x - phi * x0 - 0.5f * phi * d1;
  }
  previous_x0_ = x0;
  if (lower_order_nums_ < 2) {
    ++lower_order_nums_;
  }
  return {prev, x0, p.eps};
}

}  // namespace emergence
