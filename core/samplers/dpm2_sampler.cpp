#include "dpm2_sampler.h"

#include <cmath>

namespace emergence {
namespace {

// √(a·b) as diffusers computes it: exp(lerp(log a, log b, ½)), which torch evaluates in float32
// as end − (end − start)·½.
float log_midpoint(float a, float b) {
  const float start = std::log(a);
  const float end = std::log(b);
  return std::exp(end - (end - start) * 0.5f);
}

}  // namespace

Dpm2Sampler::Dpm2Sampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
                         bool ancestral)
    : SigmaSampler(schedule, settings), ancestral_(ancestral) {
  const bool karras =
      settings.selection.spacing == Spacing::Karras && settings.selection.shift == 1.0;
  const std::vector<float> s = sigmas_;  // N σ, then 0
  const int n = static_cast<int>(timesteps_.size());
  for (int k = 0; k < n; ++k) {
    const float from = s[k];
    const float to = s[k + 1];
    step_sigma_.push_back(from);
    next_sigma_.push_back(to);
    if (ancestral) {
      const AncestralSplit split = ancestral_split(from, to);
      sigma_up_.push_back(split.up);
      target_.push_back(split.down);
      // √(σ·σ_down) is σ_{k+1} itself for η = 1.
      midpoint_.push_back(k + 1 < n ? log_midpoint(from, split.down) : 0.0f);
    } else {
      target_.push_back(to);
      midpoint_.push_back(k + 1 < n ? log_midpoint(to, from) : 0.0f);
    }
  }
  // diffusers rounds Karras timesteps for KDPM2 (not the midpoints'), unlike Euler's.
  std::vector<double> midpoint_timesteps;
  for (int k = 0; k < n; ++k) {
    if (karras) {
      timesteps_[k] = std::nearbyint(schedule_.timestep_of_sigma(s[k]));
    }
    if (k + 1 < n) {
      const double tm = schedule_.timestep_of_sigma(midpoint_[k]);
      midpoint_timesteps.push_back(karras ? tm : static_cast<float>(tm));
    }
  }
  // With noise, a full step ends at √(σ_down² + σ_up²) = σ_{k+1} too.
  interleave_midpoints(midpoint_, midpoint_timesteps);
}

StepResult Dpm2Sampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                             NoiseSource& noise) {
  const int k = i / 2;
  const bool half_step = i % 2 == 0;
  const float sigma = step_sigma_[k];
  const float sigma_input = half_step ? sigma : midpoint_[k];
  const CleanAndNoise p = split_ve(x, model_output, sigma_input, settings_.prediction);
  const torch::Tensor derivative = (x - p.x0) / sigma_input;
  if (half_step) {
    // Euler to the midpoint (to σ = 0 on the last call).
    start_ = x;
    return {x + derivative * (midpoint_[k] - sigma), p.x0, p.eps};
  }
  // The full step x + d_mid·(σ_target − σ) puts (σ − σ_target)/σ_mid of the midpoint's x̂0
  // error into the latent: √r − 1/√r for r = σ/σ_next, or about r when ancestral (56 and 3188 on
  // the first trailing step of a cosine schedule, σ 2·10⁴ → 6.4, which turns the built-in model's
  // DPM2 ancestral image into noise). Where σ falls more than threefold take DPM-Solver-2's own
  // exponential-integrator step instead, x' = x̂0_mid + σ_target·(x − x̂0_mid)/σ, a convex
  // combination (DPM-Solver++(2S), Lu et al. 2022b, Algorithm 1 with r = ½, for α = 1).
  torch::Tensor prev;
  if (settings_.dpm2_extrapolate || sigma <= 3.0f * next_sigma_[k]) {
    prev = start_ + derivative * (target_[k] - sigma);
  } else {
    prev = p.x0 + (target_[k] / sigma) * (start_ - p.x0);
  }
  start_ = torch::Tensor();
  if (ancestral_) {
    prev = prev + noise.draw(model_output.sizes()) * sigma_up_[k];
  }
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
