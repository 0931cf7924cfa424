#include "heun_sampler.h"

namespace emergence {

HeunSampler::HeunSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
    : SigmaSampler(schedule, settings) {
  // t0, t1, t1, …, t_{N-1}, t_{N-1}; σ0, σ1, σ1, …, σ_{N-1}, σ_{N-1}, 0.
  const std::vector<double> t = timesteps_;
  const std::vector<float> s = sigmas_;
  timesteps_ = {t.front()};
  sigmas_ = {s.front()};
  for (size_t k = 1; k < t.size(); ++k) {
    timesteps_.insert(timesteps_.end(), {t[k], t[k]});
    sigmas_.insert(sigmas_.end(), {s[k], s[k]});
  }
  sigmas_.push_back(0.0f);
  state_sigmas_.assign(sigmas_.begin(), sigmas_.end());
}

StepResult HeunSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                             NoiseSource&) {
  const bool first_order = i % 2 == 0;
  // The predictor evaluates at σ_i; the corrector at σ_next of the step it completes.
  const float sigma = first_order ? sigmas_[i] : sigmas_[i - 1];
  const float sigma_next = first_order ? sigmas_[i + 1] : sigmas_[i];
  const float sigma_input = first_order ? sigma : sigma_next;

  CleanAndNoise p = split_ve(x, model_output, sigma_input, settings_.prediction);
  if (settings_.clip_sample) {
    const double r = settings_.clip_sample_range;
    p.x0 = p.x0.clamp(-r, r);
  }
  if (first_order) {
    prev_derivative_ = (x - p.x0) / sigma;
    dt_ = sigma_next - sigma;
    prev_sample_ = x;
    return {x + prev_derivative_ * dt_, p.x0, p.eps};
  }
  // Trapezoid: average the slopes at both ends, step again from the predictor's start. With
  // D the denoised estimates and r = σ/σ_next this is the Euler result plus (r−1)/2·(D₂−D₁):
  // for r > 3 it extrapolates past D₂ and amplifies the model's error (r = 1044 on the first
  // trailing step of a cosine schedule), so there the correction stops at D₂.
  torch::Tensor prev;
  if (settings_.heun_extrapolate || sigma <= 3.0f * sigma_next) {
    const torch::Tensor derivative = ((x - p.x0) / sigma_next + prev_derivative_) / 2;
    prev = prev_sample_ + derivative * dt_;
  } else {
    prev = p.x0 + sigma_next * prev_derivative_;
  }
  prev_derivative_ = torch::Tensor();
  prev_sample_ = torch::Tensor();
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
