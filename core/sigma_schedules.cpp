#include "sigma_schedules.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "beta_distribution.h"
#include "linspace.h"

namespace emergence {
namespace {

double sigma_min(const NoiseSchedule& schedule) { return schedule.sigma(0); }
double sigma_max(const NoiseSchedule& schedule) {
  return schedule.sigma(schedule.num_train_timesteps() - 1);
}

// numpy.interp(x, xs, ys) for increasing xs, x inside [xs.front(), xs.back()].
double interpolate(double x, const std::vector<double>& xs, const std::vector<double>& ys) {
  const auto upper = std::upper_bound(xs.begin(), xs.end(), x);
  if (upper == xs.end()) {
    return ys.back();
  }
  const size_t hi = std::max<size_t>(1, std::distance(xs.begin(), upper));
  const double slope = (ys[hi] - ys[hi - 1]) / (xs[hi] - xs[hi - 1]);
  return slope * (x - xs[hi - 1]) + ys[hi - 1];
}

// Align Your Steps' 10-step SD 1.5 noise levels as the authors publish them (NVIDIA's AYS how-to;
// A1111 sd_schedulers.py): σ_0 … σ_10, where σ_10 = 0.029 is SD's σ_min.
constexpr double kAysStableDiffusion15[] = {14.615, 6.475, 3.861, 2.697, 1.886, 1.396,
                                            0.963,  0.652, 0.399, 0.152, 0.029};

}  // namespace

std::vector<double> karras_sigmas(const NoiseSchedule& schedule, int n, double rho) {
  const double min_inv = std::pow(sigma_min(schedule), 1.0 / rho);
  const double max_inv = std::pow(sigma_max(schedule), 1.0 / rho);
  std::vector<double> sigmas;
  for (double ramp : linspace(0.0, 1.0, n)) {
    sigmas.push_back(std::pow(max_inv + ramp * (min_inv - max_inv), rho));
  }
  return sigmas;
}

std::vector<double> exponential_sigmas(const NoiseSchedule& schedule, int n) {
  std::vector<double> sigmas;
  for (double log_sigma :
       linspace(std::log(sigma_max(schedule)), std::log(sigma_min(schedule)), n)) {
    sigmas.push_back(std::exp(log_sigma));
  }
  return sigmas;
}

std::vector<double> beta_sigmas(const NoiseSchedule& schedule, int n, double alpha, double beta) {
  const double lo = sigma_min(schedule);
  const double hi = sigma_max(schedule);
  std::vector<double> sigmas;
  for (double u : linspace(0.0, 1.0, n)) {
    sigmas.push_back(lo + beta_quantile(1.0 - u, alpha, beta) * (hi - lo));
  }
  return sigmas;
}

std::vector<double> kl_optimal_sigmas(const NoiseSchedule& schedule, int n) {
  const double atan_min = std::atan(sigma_min(schedule));
  const double atan_max = std::atan(sigma_max(schedule));
  std::vector<double> sigmas;
  for (double u : linspace(0.0, 1.0, n)) {
    sigmas.push_back(std::tan(u * atan_min + (1.0 - u) * atan_max));
  }
  return sigmas;
}

std::vector<double> align_your_steps_sigmas(int n) {
  constexpr int kLevels = static_cast<int>(std::size(kAysStableDiffusion15));
  if (n + 1 == kLevels) {
    return {std::begin(kAysStableDiffusion15), std::end(kAysStableDiffusion15) - 1};
  }
  // The authors' loglinear_interp: log σ, ascending, linearly interpolated at n+1 even points.
  std::vector<double> log_levels;
  for (int i = kLevels - 1; i >= 0; --i) {
    log_levels.push_back(std::log(kAysStableDiffusion15[i]));
  }
  const std::vector<double> xs = linspace(0.0, 1.0, kLevels);
  const std::vector<double> points = linspace(0.0, 1.0, n + 1);
  std::vector<double> sigmas;
  for (int i = n; i >= 1; --i) {  // the lowest level gives way to the final σ = 0
    sigmas.push_back(std::exp(interpolate(points[i], xs, log_levels)));
  }
  return sigmas;
}

std::vector<double> time_uniform_sigmas(const NoiseSchedule& schedule, int n, bool end_at_zero) {
  const int last = schedule.num_train_timesteps() - 1;
  std::vector<double> ts = linspace(last, 0.0, end_at_zero ? n : n + 1);
  ts.resize(n);
  std::vector<double> sigmas;
  for (double t : ts) {
    // ComfyUI ModelSamplingDiscrete.sigma: log σ interpolated between the neighbouring steps.
    const int lo = std::clamp(static_cast<int>(std::floor(t)), 0, last);
    const int hi = std::min(lo + 1, last);
    const double w = t - lo;
    sigmas.push_back(std::exp((1.0 - w) * std::log(static_cast<double>(schedule.sigma(lo))) +
                              w * std::log(static_cast<double>(schedule.sigma(hi)))));
  }
  return sigmas;
}

}  // namespace emergence
