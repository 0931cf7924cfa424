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
    case Variant::Sde3M:
      return "dpmpp_3m_sde";
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
  // The step to σ = 0 is always first order (final_sigmas_type "zero"); under 15 steps the one
  // before it is at most second order (lower_order_final).
  const bool first_order = lower_order_nums_ < 1 || i == n - 1;
  const bool third_order = variant_ == Variant::Sde3M && !first_order && lower_order_nums_ >= 2 &&
                           !(i == n - 2 && n < 15);
  const float h = t.lambda - s0.lambda;
  torch::Tensor d1, d2;
  if (third_order) {
    // diffusers' multistep_dpm_solver_third_order_update: D1 and D2 from the last three x̂0.
    const VpPoint s1 = vp_point(sigmas_[i - 1]);
    const VpPoint s2 = vp_point(sigmas_[i - 2]);
    const float r0 = (s0.lambda - s1.lambda) / h;
    const float r1 = (s1.lambda - s2.lambda) / h;
    const torch::Tensor d1_0 = (1.0f / r0) * (x0 - previous_x0_);
    const torch::Tensor d1_1 = (1.0f / r1) * (previous_x0_ - second_previous_x0_);
    d1 = d1_0 + (r0 / (r0 + r1)) * (d1_0 - d1_1);
    d2 = (1.0f / (r0 + r1)) * (d1_0 - d1_1);
  } else if (!first_order) {
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
    if (third_order) {
      // diffusers' multistep_dpm_solver_third_order_update ("sde-dpmsolver++"); by default D2
      // weighed as k-diffusion's sample_dpmpp_3m_sde (−φ₃ with φ₃ = φ₂/2h − ½), not by diffusers'
      // −1 − O(h) (SamplerSettings::dpmpp_3m_diffusers_d2).
      const float e = std::exp(-2.0f * h);
      const float half = settings_.dpmpp_3m_diffusers_d2 ? -0.5f : 0.5f;
      prev = prev + (t.alpha * ((1.0f - e) / (-2.0f * h) + 1.0f)) * d1 +
             (t.alpha * ((1.0f - e - 2.0f * h) / ((2.0f * h) * (2.0f * h)) + half)) * d2;
    } else if (!first_order) {
      const float d1_gain = variant_ == Variant::SdeHeun
                                ? t.alpha * ((1.0f - std::exp(-2.0f * h)) / (-2.0f * h) + 1.0f)
                                : 0.5f * gain;
      prev = prev + d1_gain * d1;
    }
    prev = prev + (t.sigma * std::sqrt(1.0f - std::exp(-2.0f * h))) * z;
  }
  second_previous_x0_ = previous_x0_;
  previous_x0_ = x0;
  if (lower_order_nums_ < 3) {
    ++lower_order_nums_;
  }
  return {prev, x0, p.eps};
}

}  // namespace emergence
