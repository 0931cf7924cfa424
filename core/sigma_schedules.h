#pragma once

#include <vector>

#include "noise_schedule.h"

namespace emergence {

// The schedules that are lists of σ. Each gives n descending σ, without the final σ = 0, and takes
// σ_max = σ(T-1) and σ_min = σ(0) from the training schedule where it needs them.

// Karras et al. 2022, eq. 5, with its ρ.
std::vector<double> karras_sigmas(const NoiseSchedule& schedule, int n, double rho);
// Even steps in log σ (k-diffusion get_sigmas_exponential, diffusers use_exponential_sigmas).
std::vector<double> exponential_sigmas(const NoiseSchedule& schedule, int n);
// σ_min + q·(σ_max − σ_min) at the Beta(α, β) quantiles q of 1 − i/(n−1) (Lee et al. 2024,
// "Beta Sampling is All You Need"; diffusers use_beta_sigmas and A1111's Beta use α = β = 0.6).
std::vector<double> beta_sigmas(const NoiseSchedule& schedule, int n, double alpha, double beta);
// tan of even steps from atan σ_max to atan σ_min: the KL-optimal schedule of Sabour et al.
// 2024, "Align Your Steps" (A1111 PR 15608, ComfyUI kl_optimal_scheduler).
std::vector<double> kl_optimal_sigmas(const NoiseSchedule& schedule, int n);
// The published 10-step Stable Diffusion 1.5 schedule of Align Your Steps (Sabour et al. 2024),
// log-linearly interpolated for other step counts; absolute σ, whatever the model.
std::vector<double> align_your_steps_sigmas(int n);
// σ at n even timesteps from T-1 towards 0, interpolated in log σ: ComfyUI's normal scheduler
// ends at t = 0, its sgm_uniform one step short of it (linspace(T-1, 0, n+1) without the last).
std::vector<double> time_uniform_sigmas(const NoiseSchedule& schedule, int n, bool end_at_zero);

}  // namespace emergence
