#include "sigma_sampler.h"

#include <algorithm>
#include <cmath>

#include "../error.h"

namespace emergence {

namespace {

// diffusers holds these timesteps as float32 (Euler, Heun) or int64 (DPM-Solver).
std::vector<double> sigma_grid_timesteps(const NoiseSchedule& schedule,
                                         const SamplerSettings& settings, int steps,
                                         bool round_timesteps) {
  const bool unshifted_grid =
      settings.selection.shift == 1.0 && settings.selection.spacing != Spacing::Karras;
  std::vector<double> ts = select_timesteps(schedule, settings.selection, steps, round_timesteps);
  for (double& t : ts) {
    t = (round_timesteps && unshifted_grid) ? std::nearbyint(t) : static_cast<float>(t);
  }
  return ts;
}

bool strictly_descending(const std::vector<double>& ts) {
  for (size_t i = 1; i < ts.size(); ++i) {
    if (!(ts[i] < ts[i - 1])) {
      return false;
    }
  }
  return true;
}

}  // namespace

SigmaSampler::SigmaSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
                           bool round_timesteps)
    : schedule_(schedule), settings_(settings) {
  timesteps_ = sigma_grid_timesteps(schedule, settings, settings.steps, round_timesteps);
  if (!strictly_descending(timesteps_)) {
    int most = settings.steps - 1;
    while (most > 1 &&
           !strictly_descending(sigma_grid_timesteps(schedule, settings, most, round_timesteps))) {
      --most;
    }
    throw Error("steps must be in [1, " + std::to_string(most) + "] for " + settings.name +
                " with " + to_string(settings.selection.spacing) + " spacing (got " +
                std::to_string(settings.steps) + ": the spacing repeats timesteps)");
  }
  for (double t : timesteps_) {
    sigmas_.push_back(static_cast<float>(schedule.sigma_at(t)));
  }
  sigmas_.push_back(0.0f);
  state_sigmas_.assign(sigmas_.begin(), sigmas_.end());
}

double SigmaSampler::init_noise_sigma() const {
  const float max_sigma = *std::max_element(sigmas_.begin(), sigmas_.end());
  // diffusers: σ_max for linspace/trailing spacing, √(σ_max²+1) for leading.
  if (settings_.selection.spacing == Spacing::Leading) {
    return std::sqrt(max_sigma * max_sigma + 1.0f);
  }
  return max_sigma;
}

torch::Tensor scale_by_sigma(const torch::Tensor& x, float sigma) {
  return x / std::sqrt(sigma * sigma + 1.0f);
}

}  // namespace emergence
