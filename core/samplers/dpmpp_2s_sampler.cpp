#include "dpmpp_2s_sampler.h"

#include <cmath>

namespace emergence {
namespace {

// The exponential-integrator step of DPM-Solver++ from σ to σ_to with the clean estimate x̂0
// (Lu et al. 2022b, eq. 9 for α = 1): x' = (σ_to/σ)·x − (e^{−h} − 1)·x̂0, h = log σ − log σ_to.
torch::Tensor exponential_step(const torch::Tensor& x, const torch::Tensor& x0, float sigma,
                               float sigma_to) {
  const float ratio = sigma_to / sigma;
  const float h = std::log(sigma) - std::log(sigma_to);
  return ratio * x - std::expm1(-h) * x0;
}

}  // namespace

Dpmpp2sSampler::Dpmpp2sSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
                               Noise noise)
    : SigmaSampler(schedule, settings), noise_(noise) {
  const std::vector<float> s = sigmas_;  // N σ, then 0
  const int n = static_cast<int>(timesteps_.size());
  std::vector<double> midpoint_timesteps;
  for (int k = 0; k < n; ++k) {
    step_sigma_.push_back(s[k]);
    next_sigma_.push_back(s[k + 1]);
    if (k + 1 < n) {
      // Sde: the midpoint in λ = −log σ, exp(−(λ_k + (λ_{k+1} − λ_k)·½)) as diffusers computes it.
      // Ancestral: the midpoint between σ_k and σ_down = σ_{k+1}²/σ_k, σ_{k+1} itself.
      const float lambda = -std::log(s[k]);
      const float mid = noise == Noise::Sde
                            ? std::exp(-(lambda + (-std::log(s[k + 1]) - lambda) * 0.5f))
                            : s[k + 1];
      midpoint_.push_back(mid);
      midpoint_timesteps.push_back(schedule_.timestep_of_sigma(mid));
    }
  }
  interleave_midpoints(midpoint_, midpoint_timesteps);
}

StepResult Dpmpp2sSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                                NoiseSource& noise) {
  const int k = i / 2;
  const bool first_call = i % 2 == 0;
  const float sigma = step_sigma_[k];
  const float sigma_next = next_sigma_[k];
  const float sigma_input = sigmas_[i];
  const CleanAndNoise p = split_ve(x, model_output, sigma_input, settings_.prediction);
  if (sigma_next == 0.0f) {
    // The last step: Euler to σ = 0, which lands on x̂0.
    return {x + (x - p.x0) / sigma * (0.0f - sigma), p.x0, p.eps};
  }
  if (first_call) {
    start_ = x;
    const float m = midpoint_[k];
    if (noise_ == Noise::Ancestral) {
      // Deterministic to the midpoint, from σ_k toward σ_down (Lu et al. 2022b, Alg. 1 line 3).
      return {exponential_step(x, p.x0, sigma, m), p.x0, p.eps};
    }
    const AncestralSplit split = ancestral_split(sigma, m);
    const torch::Tensor down = exponential_step(x, p.x0, sigma, split.down);
    return {down + noise.draw(model_output.sizes()) * split.up, p.x0, p.eps};
  }
  // The full step from σ_k with the midpoint's x̂0, to σ_down, then the noise of σ_up.
  const AncestralSplit split = ancestral_split(sigma, sigma_next);
  const torch::Tensor down = exponential_step(start_, p.x0, sigma, split.down);
  start_ = torch::Tensor();
  return {down + noise.draw(model_output.sizes()) * split.up, p.x0, p.eps};
}

}  // namespace emergence
