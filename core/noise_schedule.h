#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

namespace emergence {

// How β grows over the training steps (diffusers' `beta_schedule`).
enum class BetaSchedule { Linear, ScaledLinear, SquaredCosCapV2, Sigmoid };

BetaSchedule parse_beta_schedule(const std::string& name);
std::string to_string(BetaSchedule schedule);
std::vector<std::string> beta_schedule_names();

struct TrainingScheduleConfig {
  int num_train_timesteps = 1000;
  BetaSchedule beta_schedule = BetaSchedule::Linear;
  double beta_start = 0.0001;
  double beta_end = 0.02;
};

// The training noise schedule: β_t, ᾱ_t = Π(1-β) and σ_t = √((1-ᾱ)/ᾱ), all float32 like diffusers.
class NoiseSchedule {
 public:
  explicit NoiseSchedule(const TrainingScheduleConfig& config);

  const TrainingScheduleConfig& config() const { return config_; }
  int num_train_timesteps() const { return config_.num_train_timesteps; }
  const torch::Tensor& betas() const { return betas_; }
  // ᾱ_t for t = 0 … T-1, float32 [T].
  const torch::Tensor& alphas_cumprod() const { return alphas_cumprod_; }
  // σ_t = √((1-ᾱ_t)/ᾱ_t), float32 [T] (the variance-exploding view of the same schedule).
  const torch::Tensor& sigmas() const { return sigmas_; }
  float alpha_cumprod(int t) const { return alphas_cumprod_acc_[t]; }
  float sigma(int t) const { return sigmas_acc_[t]; }

  // σ at a fractional timestep, linearly interpolated like diffusers' np.interp.
  double sigma_at(double t) const;
  // Fractional timestep of a σ, interpolated in log σ (diffusers `_sigma_to_t`).
  double timestep_of_sigma(double sigma) const;

 private:
  TrainingScheduleConfig config_;
  torch::Tensor betas_;
  torch::Tensor alphas_cumprod_;
  torch::Tensor sigmas_;
  std::vector<float> alphas_cumprod_acc_;
  std::vector<float> sigmas_acc_;
};

}  // namespace emergence
