#include "noise_schedule.h"

#include <algorithm>
#include <cmath>

#include "error.h"

namespace emergence {
namespace {

// Nichol & Dhariwal 2021, eq. 17: ᾱ(t) = cos²((t/T + s)/(1 + s) · π/2), s = 0.008, β capped at
// 0.999.
torch::Tensor cosine_betas(int T) {
  auto alpha_bar = [](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * M_PI / 2.0);
    return c * c;
  };
  std::vector<double> betas(T);
  for (int i = 0; i < T; ++i) {
    const double t1 = static_cast<double>(i) / T;
    const double t2 = static_cast<double>(i + 1) / T;
    betas[i] = std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999);
  }
  return torch::tensor(betas, torch::kFloat64).to(torch::kFloat32);
}

}  // namespace

BetaSchedule parse_beta_schedule(const std::string& name) {
  if (name == "linear") {
    return BetaSchedule::Linear;
  }
  if (name == "scaled_linear") {
    return BetaSchedule::ScaledLinear;
  }
  if (name == "squaredcos_cap_v2" || name == "cosine") {
    return BetaSchedule::SquaredCosCapV2;
  }
  if (name == "sigmoid") {
    return BetaSchedule::Sigmoid;
  }
  throw Error("unknown beta schedule '" + name +
              "' (expected linear, scaled_linear, squaredcos_cap_v2 or sigmoid)");
}

std::string to_string(BetaSchedule schedule) {
  switch (schedule) {
    case BetaSchedule::Linear:
      return "linear";
    case BetaSchedule::ScaledLinear:
      return "scaled_linear";
    case BetaSchedule::SquaredCosCapV2:
      return "squaredcos_cap_v2";
    case BetaSchedule::Sigmoid:
      return "sigmoid";
  }
  return "linear";
}

std::vector<std::string> beta_schedule_names() {
  return {"linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid"};
}

NoiseSchedule::NoiseSchedule(const TrainingScheduleConfig& config) : config_(config) {
  const int T = config.num_train_timesteps;
  if (T < 2 || T > 100000) {
    throw Error("num_train_timesteps must be in [2, 100000] (got " + std::to_string(T) + ")");
  }
  if (config.beta_schedule != BetaSchedule::SquaredCosCapV2 &&
      !(config.beta_start > 0.0 && config.beta_start <= config.beta_end && config.beta_end < 1.0)) {
    throw Error("beta_start and beta_end must satisfy 0 < beta_start <= beta_end < 1 (got " +
                std::to_string(config.beta_start) + ", " + std::to_string(config.beta_end) + ")");
  }
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  switch (config.beta_schedule) {
    case BetaSchedule::Linear:  // Ho et al. 2020, §4
      betas_ = torch::linspace(config.beta_start, config.beta_end, T, f32);
      break;
    case BetaSchedule::ScaledLinear:  // Stable Diffusion: linear in √β
      betas_ =
          torch::linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), T, f32).pow(2);
      break;
    case BetaSchedule::SquaredCosCapV2:
      betas_ = cosine_betas(T);
      break;
    case BetaSchedule::Sigmoid:  // GeoDiff (Xu et al. 2022): β = sigmoid(linspace(-6, 6))
      betas_ =
          torch::sigmoid(torch::linspace(-6, 6, T, f32)) * (config.beta_end - config.beta_start) +
          config.beta_start;
      break;
  }
  alphas_cumprod_ = torch::cumprod(1.0 - betas_, 0);
  sigmas_ = ((1 - alphas_cumprod_) / alphas_cumprod_).pow(0.5);
  alphas_cumprod_acc_.assign(alphas_cumprod_.data_ptr<float>(),
                             alphas_cumprod_.data_ptr<float>() + T);
  sigmas_acc_.assign(sigmas_.data_ptr<float>(), sigmas_.data_ptr<float>() + T);
}

double NoiseSchedule::sigma_at(double t) const {
  const int T = num_train_timesteps();
  if (t <= 0) {
    return sigmas_acc_.front();
  }
  if (t >= T - 1) {
    return sigmas_acc_.back();
  }
  const int lo = static_cast<int>(std::floor(t));
  if (lo == t) {
    return sigmas_acc_[lo];
  }
  const double slope = static_cast<double>(sigmas_acc_[lo + 1]) - sigmas_acc_[lo];
  return slope * (t - lo) + sigmas_acc_[lo];
}

double NoiseSchedule::timestep_of_sigma(double sigma) const {
  const int T = num_train_timesteps();
  const double log_sigma = std::log(std::max(sigma, 1e-10));
  // Index of the last log σ_t ≤ log σ (σ grows with t), clipped so that lo+1 exists.
  int lo = 0;
  for (int t = 0; t < T; ++t) {
    if (log_sigma - std::log(static_cast<double>(sigmas_acc_[t])) >= 0) {
      lo = t;
    }
  }
  lo = std::min(lo, T - 2);
  const double low = std::log(static_cast<double>(sigmas_acc_[lo]));
  const double high = std::log(static_cast<double>(sigmas_acc_[lo + 1]));
  const double w = std::clamp((low - log_sigma) / (low - high), 0.0, 1.0);
  return (1.0 - w) * lo + w * (lo + 1);
}

}  // namespace emergence
