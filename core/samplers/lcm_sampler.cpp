#include "lcm_sampler.h"

#include <algorithm>
#include <cmath>

#include "../error.h"

namespace emergence {
namespace {

// LCMScheduler.set_timesteps: the M training steps k−1, 2k−1, …, Mk−1 (k = T/M, integer
// division), taken from the top at indices ⌊j·M/N⌋. Above M steps diffusers refuses; we take
// M = T there, as set_timesteps(N, original_inference_steps=T) would.
std::vector<int> lcm_timesteps(int num_train_timesteps, int original_steps, int steps) {
  const int m = steps > original_steps ? num_train_timesteps : original_steps;
  const int k = num_train_timesteps / m;
  std::vector<int> origin;
  for (int j = m; j >= 1; --j) {
    origin.push_back(j * k - 1);
  }
  std::vector<int> ts;
  for (int j = 0; j < steps; ++j) {
    // np.floor(np.linspace(0, M, N, endpoint=False)): j·(M/N) in float64.
    const double index = std::floor(j * (static_cast<double>(m) / steps));
    ts.push_back(origin[static_cast<size_t>(index)]);
  }
  return ts;
}

// LCMScheduler.get_scalings_for_boundary_condition_discrete: σ_data = 0.5 at the timestep scaled
// by timestep_scaling (10), in float32 like diffusers.
struct BoundaryScalings {
  float skip;
  float out;
};
BoundaryScalings boundary_scalings(int t) {
  const float scaled = static_cast<float>(t) * 10.0f;
  const float d = scaled * scaled + 0.25f;
  return {0.25f / d, scaled / std::sqrt(d)};
}

}  // namespace

LcmSampler::LcmSampler(const NoiseSchedule& schedule, const SamplerSettings& settings)
    : schedule_(schedule), settings_(settings) {
  const int train = schedule.num_train_timesteps();
  if (settings.lcm_original_steps < 1 || settings.lcm_original_steps > train) {
    throw Error("original_inference_steps must be in [1, " + std::to_string(train) + "] (got " +
                std::to_string(settings.lcm_original_steps) + ")");
  }
  steps_ = lcm_timesteps(train, settings.lcm_original_steps, settings.steps);
  for (int t : steps_) {
    timesteps_.push_back(t);
    state_sigmas_.push_back(schedule_.sigma(t));
  }
  // The last call returns the consistency estimate itself.
  state_sigmas_.push_back(0.0);
}

StepResult LcmSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                            NoiseSource& noise) {
  const int t = steps_[i];
  CleanAndNoise p = split_vp(x, model_output, schedule_.alpha_cumprod(t), settings_.prediction);
  if (settings_.clip_sample) {
    const double r = settings_.clip_sample_range;
    p.x0 = p.x0.clamp(-r, r);
  }
  const BoundaryScalings c = boundary_scalings(t);
  const torch::Tensor denoised = c.out * p.x0 + c.skip * x;
  if (i + 1 >= num_calls()) {
    return {denoised, denoised, p.eps};
  }
  const float alpha_next = schedule_.alpha_cumprod(steps_[i + 1]);
  const torch::Tensor z = noise.draw(model_output.sizes());
  const torch::Tensor prev = std::sqrt(alpha_next) * denoised + std::sqrt(1.0f - alpha_next) * z;
  return {prev, denoised, p.eps};
}

}  // namespace emergence
