#include "dpm_solver_pp_sampler.h"

#include <cmath>

namespace emergence {

std::string DpmSolverPPSampler::name() const {
  switch (variant_) {
    case Variant::Ode:
      break;
    case Variant::SdeMidpoint:
      return "dpmpp_2m_sde";
    case Variant::SdeHeun:
      return "dpmpp_2m_sde_heun";
  }
  return "dpmpp_2m";
}

StepResult DpmSolverPPSampler::step(const torch::Tensor& model_output, int i,
                                    const torch::Tensor& x, NoiseSource& noise) {
  const int n = num_calls();
  const VpPoint s0 = vp_point(sigmas_[i]);
  const VpPoint t = vp_point(sigmas_[i + 1]);
  const CleanAndNoise p = split_vp(x, model_output, s0.alpha * s0.alpha, settings_.prediction);
  const torch::Tensor x0 = vp_x0(x, model_output, s0, settings_.prediction);
  // The step to σ = 0 is always first order (final_sigmas_type "zero").
  const bool first_order = lower_order_nums_ < 1 || i == n - 1;
  const float h = t.lambda - s0.lambda;
  torch::Tensor d1;
  if (!first_order) {
    const VpPoint s1 = vp_point(sigmas_[i - 1]);
    const float r0 = (s0.lambda - s1.lambda) / h;
    d1 = (1.0f / r0) * (x0 - previous_x0_);
  }
  torch::Tensor prev;
  if (variant_ == Variant::Ode) {
    // First order (DPM-Solver++ 1 = DDIM): x_t = (σ_t/σ_s)·x − α_t(e^{−h} − 1)·x̂0; the midpoint
    // second order adds −½·α_t(e^{−h} − 1)·D1.
    const float phi = t.alpha * (std::exp(-h) - 1.0f);
    prev = (t.sigma / s0.sigma) * x - phi * x0;
    if (!first_order) {
      prev = prev - 0.5f * phi * d1;
    }
  } else {
    // diffusers draws on every step, the last (σ_t = 0, so no noise is added) included.
    const torch::Tensor z = noise.draw(model_output.sizes());
    const float decay = std::exp(-h);
    const float gain = t.alpha * (1.0f - std::exp(-2.0f * h));
    prev = (t.sigma / s0.sigma * decay) * x + gain * x0;
    if (!first_order) {
      const float d1_gain = variant_ == Variant::SdeMidpoint
                                ? 0.5f * gain
                                : t.alpha * ((1.0f - std::exp(-2.0f * h)) / (-2.0f * h) + 1.0f);
      prev = prev + d1_gain * d1;
    }
    prev = prev + (t.sigma * std::sqrt(1.0f - std::exp(-2.0f * h))) * z;
  }
  previous_x0_ = x0;
  if (lower_order_nums_ < 2) {
    ++lower_order_nums_;
  }
  return {prev, x0, p.eps};
}

}  // namespace emergence
