#include "lms_sampler.h"

#include <algorithm>
#include <cmath>

namespace emergence {
namespace {

// ∫_{σ_i}^{σ_{i+1}} Π_{j≠k} (τ − σ_{i−j})/(σ_{i−k} − σ_{i−j}) dτ over the first `order` points
// σ_i, σ_{i−1}, …, by 3-point Gauss–Legendre quadrature, exact for these polynomials of degree
// ≤ 3 (diffusers integrates them with scipy's quad).
double lms_coefficient(const std::vector<float>& sigmas, int i, int order, int k) {
  auto basis = [&](double tau) {
    double product = 1.0;
    for (int j = 0; j < order; ++j) {
      if (j != k) {
        product *= (tau - sigmas[i - j]) / (static_cast<double>(sigmas[i - k]) - sigmas[i - j]);
      }
    }
    return product;
  };
  const double a = sigmas[i];
  const double b = sigmas[i + 1];
  const double mid = (a + b) / 2;
  const double half = (b - a) / 2;
  const double node = std::sqrt(3.0 / 5.0);
  return half * (5.0 / 9.0 * basis(mid - half * node) + 8.0 / 9.0 * basis(mid) +
                 5.0 / 9.0 * basis(mid + half * node));
}

}  // namespace

StepResult LmsSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                            NoiseSource&) {
  const float sigma = sigmas_[i];
  const CleanAndNoise p = split_ve(x, model_output, sigma, settings_.prediction);
  derivatives_.push_back((x - p.x0) / sigma);
  if (static_cast<int>(derivatives_.size()) > kOrder) {
    derivatives_.pop_front();
  }
  // The derivatives held, not i + 1: a run that starts part-way (image to image) has fewer.
  const int order = static_cast<int>(derivatives_.size());
  torch::Tensor update = torch::zeros_like(x);
  for (int k = 0; k < order; ++k) {
    const float c = static_cast<float>(lms_coefficient(sigmas_, i, order, k));
    update = update + c * derivatives_[derivatives_.size() - 1 - k];
  }
  return {x + update, p.x0, p.eps};
}

}  // namespace emergence
