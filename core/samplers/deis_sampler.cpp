#include "deis_sampler.h"

#include <cmath>

namespace emergence {
namespace {

// ∫ (log τ − log c)/(log b − log c) dτ, the antiderivative of the Lagrange basis in log ρ
// (diffusers' `ind_fn` of the second-order update). In double: a coefficient is the difference of
// two such values ~6× its size, which float32 (diffusers) resolves only to a few 1e-7.
double basis_integral(double tau, double b, double c) {
  return tau * (-std::log(c) + std::log(tau) - 1.0) / (std::log(b) - std::log(c));
}

}  // namespace

StepResult DeisSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                             NoiseSource&) {
  const int n = num_calls();
  const VpPoint s0 = vp_point(sigmas_[i]);
  const VpPoint t = vp_point(sigmas_[i + 1]);
  const CleanAndNoise p = split_vp(x, model_output, s0.alpha * s0.alpha, settings_.prediction);
  // diffusers turns every prediction into x̂0 on the σ-grid, then into ε̂.
  const torch::Tensor x0 = vp_x0(x, model_output, s0, settings_.prediction);
  const torch::Tensor eps = (x - s0.alpha * x0) / s0.sigma;
  // Under 15 steps the last step is first order (lower_order_final).
  const bool first_order = lower_order_nums_ < 1 || (i == n - 1 && n < 15);
  torch::Tensor prev;
  if (first_order) {
    // DDIM: x_t = (α_t/α_s)·x − σ_t(e^h − 1)·ε̂, h = λ_t − λ_s.
    const float h = t.lambda - s0.lambda;
    prev = (t.alpha / s0.alpha) * x - (t.sigma * (std::exp(h) - 1.0f)) * eps;
  } else {
    const VpPoint s1 = vp_point(sigmas_[i - 1]);
    const float rho_t = t.sigma / t.alpha;
    const float rho_s0 = s0.sigma / s0.alpha;
    const float rho_s1 = s1.sigma / s1.alpha;
    const auto coef0 = static_cast<float>(basis_integral(rho_t, rho_s0, rho_s1) -
                                          basis_integral(rho_s0, rho_s0, rho_s1));
    const auto coef1 = static_cast<float>(basis_integral(rho_t, rho_s1, rho_s0) -
                                          basis_integral(rho_s0, rho_s1, rho_s0));
    prev = t.alpha * (x / s0.alpha + coef0 * eps + coef1 * previous_eps_);
  }
  previous_eps_ = eps;
  if (lower_order_nums_ < kOrder) {
    ++lower_order_nums_;
  }
  return {prev, x0, p.eps};
}

}  // namespace emergence
