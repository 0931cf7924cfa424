#include "ddpm_sampler.h"

#include <algorithm>
#include <cmath>

#include "discrete_timesteps.h"

namespace emergence {

DdpmSampler::DdpmSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
    : schedule_(schedule), settings_(settings), steps_(discrete_timesteps(schedule, settings)) {
  for (int t : steps_) {
    timesteps_.push_back(t);
    state_sigmas_.push_back(schedule_.sigma(t));
  }
  state_sigmas_.push_back(0.0);
}

StepResult DdpmSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                             NoiseSource& noise) {
  const int t = steps_[i];
  const bool last = i + 1 >= num_calls();
  const float alpha_t = schedule_.alpha_cumprod(t);
  const float alpha_prev = last ? 1.0f : schedule_.alpha_cumprod(steps_[i + 1]);
  const float beta_t = 1.0f - alpha_t;
  const float beta_prev = 1.0f - alpha_prev;
  const float current_alpha = alpha_t / alpha_prev;
  const float current_beta = 1.0f - current_alpha;

  CleanAndNoise p = split_vp(x, model_output, alpha_t, settings_.prediction);
  if (settings_.clip_sample) {
    const double r = settings_.clip_sample_range;
    p.x0 = p.x0.clamp(-r, r);
  }
  // Eq. 7: μ̃_t = √ᾱ_prev·β_t/(1-ᾱ_t)·x0 + √α_t·(1-ᾱ_prev)/(1-ᾱ_t)·x_t.
  const float x0_coeff = (std::sqrt(alpha_prev) * current_beta) / beta_t;
  const float xt_coeff = std::sqrt(current_alpha) * beta_prev / beta_t;
  torch::Tensor prev = x0_coeff * p.x0 + xt_coeff * x;
  if (t > 0) {
    // β̃_t = (1-ᾱ_prev)/(1-ᾱ_t)·β_t, floored at 1e-20 like diffusers.
    const float variance = std::max(beta_prev / beta_t * current_beta, 1e-20f);
    prev = prev + std::sqrt(variance) * noise.draw(model_output.sizes());
  }
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
