#include "ddim_sampler.h"

#include <cmath>

#include "discrete_timesteps.h"

namespace emergence {

DdimSampler::DdimSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
    : schedule_(schedule), settings_(settings), steps_(discrete_timesteps(schedule, settings)) {
  const StepSelection& sel = settings.selection;
  const bool uniform = sel.shift == 1.0 && is_diffusers_spacing(sel.spacing);
  const int stride = schedule.num_train_timesteps() / settings.steps;
  for (size_t i = 0; i < steps_.size(); ++i) {
    timesteps_.push_back(steps_[i]);
    const int next_listed = i + 1 < steps_.size() ? steps_[i + 1] : -1;
    prev_steps_.push_back(uniform && !settings.ddim_next_listed ? steps_[i] - stride : next_listed);
  }
  state_sigmas_.push_back(schedule_.sigma(steps_[0]));
  for (int prev : prev_steps_) {
    state_sigmas_.push_back(prev >= 0 ? schedule_.sigma(prev) : 0.0);
  }
  const float a_final = alpha_cumprod_after(num_calls() - 1);
  state_sigmas_.back() = std::sqrt((1.0 - a_final) / a_final);
}

// ᾱ of the latent after call i: diffusers' DDIMScheduler.step() takes prev_t = t − T/N, and
// ᾱ_prev = 1 (set_alpha_to_one) or ᾱ_0 once prev_t < 0.
float DdimSampler::alpha_cumprod_after(int i) const {
  if (prev_steps_[i] >= 0) {
    return schedule_.alpha_cumprod(prev_steps_[i]);
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
