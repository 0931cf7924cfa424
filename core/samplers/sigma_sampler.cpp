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
      settings.selection.shift == 1.0 && !defines_sigmas(settings.selection.spacing);
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
                           GridTimesteps kind, FinalSigma final_sigma)
    : schedule_(schedule), settings_(settings) {
  const StepSelection& selection = settings.selection;
  const bool sigma_grid = defines_sigmas(selection.spacing) && selection.shift == 1.0;
  if (sigma_grid) {
    set_sigma_grid(kind);
  } else {
    set_timestep_grid(kind != GridTimesteps::Fractional);
  }
  if (final_sigma == FinalSigma::Zero) {
    sigmas_.push_back(0.0f);
  } else {
    // diffusers repeats the last σ of a schedule made of σ (σ(0) itself for Karras, exponential
    // and beta) and appends σ(0) otherwise.
    sigmas_.push_back(sigma_grid ? sigmas_.back() : schedule_.sigma(0));
  }
  state_sigmas_.assign(sigmas_.begin(), sigmas_.end());
}

// diffusers steps on the schedule's σ themselves and hands the model the timestep of each σ:
// fractional for Euler and Heun. The multistep schedulers cast them to int64 after rounding the
// Karras ones (DPM-Solver not on the cosine schedule); the exponential and beta ones they only
// truncate, so timesteps may repeat while σ still falls. ComfyUI's σ schedules, which diffusers
// lacks, are rounded to the nearest training step in log σ, as ComfyUI's model wrapper does.
void SigmaSampler::set_sigma_grid(GridTimesteps kind) {
  const Spacing spacing = settings_.selection.spacing;
  const bool cosine = schedule_.config().beta_schedule == BetaSchedule::SquaredCosCapV2;
  const bool truncate = spacing == Spacing::Exponential || spacing == Spacing::Beta ||
                        (spacing == Spacing::Karras && cosine && kind == GridTimesteps::DpmSolver);
  for (double sigma : schedule_sigmas(schedule_, settings_.selection, settings_.steps)) {
    const double t = schedule_.timestep_of_sigma(sigma);
    if (kind != GridTimesteps::Fractional) {
      timesteps_.push_back(truncate ? std::trunc(t) : std::nearbyint(t));
    } else {
      timesteps_.push_back(static_cast<float>(t));
    }
    sigmas_.push_back(static_cast<float>(sigma));
  }
}

// σ_i = σ(t_i), interpolated from the training schedule at the spacing's timesteps.
void SigmaSampler::set_timestep_grid(bool round_timesteps) {
  timesteps_ = sigma_grid_timesteps(schedule_, settings_, settings_.steps, round_timesteps);
  if (!strictly_descending(timesteps_)) {
    int most = settings_.steps - 1;
    while (most > 1 && !strictly_descending(
                           sigma_grid_timesteps(schedule_, settings_, most, round_timesteps))) {
      --most;
    }
    throw Error("steps must be in [1, " + std::to_string(most) + "] for " + settings_.name +
                " with " + to_string(settings_.selection.spacing) + " spacing (got " +
                std::to_string(settings_.steps) + ": the spacing repeats timesteps)");
  }
  for (double t : timesteps_) {
    sigmas_.push_back(static_cast<float>(schedule_.sigma_at(t)));
  }
}

void SigmaSampler::interleave_midpoints(const std::vector<float>& midpoints,
                                        const std::vector<double>& midpoint_timesteps) {
  const std::vector<double> t = timesteps_;
  const std::vector<float> s = sigmas_;
  timesteps_.clear();
  sigmas_.clear();
  for (size_t k = 0; k < t.size(); ++k) {
    timesteps_.push_back(t[k]);
    sigmas_.push_back(s[k]);
    if (k + 1 < t.size()) {
      timesteps_.push_back(midpoint_timesteps[k]);
      sigmas_.push_back(midpoints[k]);
    }
  }
  sigmas_.push_back(s.back());
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

AncestralSplit ancestral_split(float from, float to) {
  // σ_up = √(σ_to²(σ_from² − σ_to²)/σ_from²) as diffusers; σ_down = √(σ_to² − σ_up²) is
  // σ_to²/σ_from, which diffusers' float32 subtraction loses when σ_from ≫ σ_to (0 from σ = 2·10⁴
  // on a cosine schedule, or a NaN).
  const float up = std::sqrt(to * to * (from * from - to * to) / (from * from));
  return {to * to / from, up};
}

VpPoint vp_point(float ve_sigma) {
  const float alpha = 1.0f / std::sqrt(ve_sigma * ve_sigma + 1.0f);
  const float sigma = ve_sigma * alpha;
  return {alpha, sigma, std::log(alpha) - std::log(sigma)};
}

torch::Tensor vp_x0(const torch::Tensor& x, const torch::Tensor& model_output, const VpPoint& p,
                    PredictionType type) {
  switch (type) {
    case PredictionType::Epsilon:
      return (x - p.sigma * model_output) / p.alpha;
    case PredictionType::VPrediction:
      return p.alpha * x - p.sigma * model_output;
    case PredictionType::Sample:
      break;
  }
  return model_output;
}

}  // namespace emergence
