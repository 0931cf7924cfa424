#include "ddim_sampler.h"

#include <cmath>

#include "discrete_timesteps.h"

namespace emergence {

DdimSampler::DdimSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
    : schedule_(schedule), settings_(settings), steps_(discrete_timesteps(schedule, settings)) {
  for (int t : steps_) {
    timesteps_.push_back(t);
    state_sigmas_.push_back(schedule_.sigma(t));
  }
  const float a_final = alpha_cumprod_after(num_calls() - 1);
  state_sigmas_.push_back(std::sqrt((1.0 - a_final) / a_final));
}

// ᾱ of the step after call i. diffusers takes t − T/N, which is the next listed step for every
// uniform spacing; the listed step keeps shifted and Karras schedules consistent.
float DdimSampler::alpha_cumprod_after(int i) const {
  if (i + 1 < num_calls()) {
    return schedule_.alpha_cumprod(steps_[i + 1]);
  }
  return settings_.set_alpha_to_one ? 1.0f : schedule_.alpha_cumprod(0);
}

StepResult DdimSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                             NoiseSource& noise) {
  const float alpha_t = schedule_.alpha_cumprod(steps_[i]);
  const float alpha_prev = alpha_cumprod_after(i);
  const float beta_t = 1.0f - alpha_t;

  CleanAndNoise p = split_vp(x, model_output, alpha_t, settings_.prediction);
  if (settings_.clip_sample) {
    const double r = settings_.clip_sample_range;
    p.x0 = p.x0.clamp(-r, r);
    if (settings_.use_clipped_model_output) {
      // ε̂ that, with the clipped x̂0, gives back x_t (eq. 9): the step stays on the ODE.
      p.eps = (x - std::sqrt(alpha_t) * p.x0) / std::sqrt(beta_t);
    }
  }
  // Eq. 16: σ_t(η)² = (1-ᾱ_prev)/(1-ᾱ_t) · (1 − ᾱ_t/ᾱ_prev).
  const float variance = ((1.0f - alpha_prev) / beta_t) * (1.0f - alpha_t / alpha_prev);
  const float std_dev = static_cast<float>(settings_.eta) * std::sqrt(variance);

  const torch::Tensor direction = std::sqrt(1.0f - alpha_prev - std_dev * std_dev) * p.eps;
  torch::Tensor prev = std::sqrt(alpha_prev) * p.x0 + direction;
  if (settings_.eta > 0) {
    prev = prev + std_dev * noise.draw(model_output.sizes());
  }
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
