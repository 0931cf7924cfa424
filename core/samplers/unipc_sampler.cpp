#include "unipc_sampler.h"

#include <algorithm>
#include <cmath>

namespace emergence {
namespace {

// What UniP and UniC share for one step from σ_s0 to σ_t in λ, with step h = λ_t − λ_s0 and
// hh = −h (UniPC on x̂0): the ratios r_k = (λ_{s_k} − λ_s0)/h of the earlier points (then 1),
// hφ1 = e^{hh} − 1, B(h), and the right-hand side b_k = k!·hφ_{k+1}/B(h) of the order
// conditions (Zhao et al. 2023, Theorem 3.1). All in float32 like diffusers.
struct UniStep {
  VpPoint t, s0;
  std::vector<float> rks;
  float h_phi_1 = 0;
  float b_h = 0;
  std::vector<float> b;
};

UniStep uni_step(const std::vector<float>& sigmas, int t_index, int s0_index, int order,
                 UniPcSampler::Variant variant) {
  UniStep u;
  u.t = vp_point(sigmas[t_index]);
  u.s0 = vp_point(sigmas[s0_index]);
  const float h = u.t.lambda - u.s0.lambda;
  for (int k = 1; k < order; ++k) {
    u.rks.push_back((vp_point(sigmas[s0_index - k]).lambda - u.s0.lambda) / h);
  }
  u.rks.push_back(1.0f);
  const float hh = -h;
  u.h_phi_1 = std::expm1(hh);
  u.b_h = variant == UniPcSampler::Variant::Bh1 ? hh : std::expm1(hh);
  float h_phi_k = u.h_phi_1 / hh - 1.0f;
  int factorial = 1;
  for (int k = 1; k <= order; ++k) {
    u.b.push_back(h_phi_k * static_cast<float>(factorial) / u.b_h);
    factorial *= k + 1;
    h_phi_k = h_phi_k / hh - static_cast<float>(1.0 / factorial);
  }
  return u;
}

// Solves Σ_j r_j^k·ρ_j = b_k for k < n (the first n ratios and conditions), in float32 through
// LAPACK like diffusers' torch.linalg.solve.
std::vector<float> solve_rhos(const UniStep& u, int n) {
  torch::Tensor r = torch::empty({n, n}, torch::kFloat32);
  torch::Tensor b = torch::empty({n}, torch::kFloat32);
  auto ra = r.accessor<float, 2>();
  auto ba = b.accessor<float, 1>();
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) {
      ra[k][j] = std::pow(u.rks[j], static_cast<float>(k));
    }
    ba[k] = u.b[k];
  }
  const torch::Tensor rho = torch::linalg_solve(r, b);
  return std::vector<float>(rho.data_ptr<float>(), rho.data_ptr<float>() + n);
}

}  // namespace

UniPcSampler::UniPcSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
                           Variant variant, int order)
    : SigmaSampler(schedule, settings, GridTimesteps::Integer,
                   settings.final_sigma_min ? FinalSigma::Smallest : FinalSigma::Zero),
      variant_(variant),
      order_(order) {}

std::string UniPcSampler::name() const {
  std::string n = variant_ == Variant::Bh1 ? "unipc_bh1" : "unipc";
  return order_ == 3 ? n + "_3" : n;
}

StepResult UniPcSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                              NoiseSource&) {
  const VpPoint s0 = vp_point(sigmas_[i]);
  const CleanAndNoise p = split_vp(x, model_output, s0.alpha * s0.alpha, settings_.prediction);
  const torch::Tensor x0 = vp_x0(x, model_output, s0, settings_.prediction);
  const torch::Tensor corrected = i > 0 && last_sample_.defined() ? correct(x0, i) : x;
  x0_history_.push_back(x0);
  if (static_cast<int>(x0_history_.size()) > order_) {
    x0_history_.pop_front();
  }
  // Warm-up and diffusers' lower_order_final: order n − i on the last steps.
  this_order_ = std::min({order_, num_calls() - i, lower_order_nums_ + 1});
  last_sample_ = corrected;
  const torch::Tensor prev = predict(corrected, i);
  lower_order_nums_ = std::min(lower_order_nums_ + 1, order_);
  return {prev, x0, p.eps};
}

// UniP-p: x_t = (σ_t/σ_s0)·x − α_t·hφ1·m0 − α_t·B(h)·Σ ρ_k·(m_k − m0)/r_k, with ρ = ½ at order 2.
torch::Tensor UniPcSampler::predict(const torch::Tensor& x, int i) const {
  const int order = this_order_;
  const UniStep u = uni_step(sigmas_, i + 1, i, order, variant_);
  const int n = static_cast<int>(x0_history_.size());
  const torch::Tensor& m0 = x0_history_[n - 1];
  torch::Tensor prev = (u.t.sigma / u.s0.sigma) * x - (u.t.alpha * u.h_phi_1) * m0;
  if (order == 1) {
    // diffusers subtracts α_t·B(h)·0 here, which is NaN for bh1 on the step to σ = 0 (B = −∞).
    return prev;
  }
  const std::vector<float> rhos = order == 2 ? std::vector<float>{0.5f} : solve_rhos(u, order - 1);
  torch::Tensor residual = torch::zeros_like(x);
  for (int k = 1; k < order; ++k) {
    residual = residual + rhos[k - 1] * ((x0_history_[n - 1 - k] - m0) / u.rks[k - 1]);
  }
  return prev - (u.t.alpha * u.b_h) * residual;
}

// UniC-p: the same step from σ_{i-1} to σ_i, redone with the new x̂0 m_t as the last point:
// x_c = (σ_t/σ_s0)·x − α_t·hφ1·m0 − α_t·B(h)·(Σ ρ_k·D_k + ρ_p·(m_t − m0)), ρ = ½ at order 1.
torch::Tensor UniPcSampler::correct(const torch::Tensor& x0, int i) const {
  const int order = this_order_;
  const UniStep u = uni_step(sigmas_, i, i - 1, order, variant_);
  const int n = static_cast<int>(x0_history_.size());
  const torch::Tensor& m0 = x0_history_[n - 1];
  const std::vector<float> rhos = order == 1 ? std::vector<float>{0.5f} : solve_rhos(u, order);
  torch::Tensor residual = rhos[order - 1] * (x0 - m0);
  for (int k = 1; k < order; ++k) {
    residual = residual + rhos[k - 1] * ((x0_history_[n - 1 - k] - m0) / u.rks[k - 1]);
  }
  return (u.t.sigma / u.s0.sigma) * last_sample_ - (u.t.alpha * u.h_phi_1) * m0 -
         (u.t.alpha * u.b_h) * residual;
}

}  // namespace emergence
