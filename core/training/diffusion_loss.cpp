#include "diffusion_loss.h"

namespace emergence {

torch::Tensor velocity_target(const torch::Tensor& x0, const torch::Tensor& noise,
                              const torch::Tensor& alpha_cumprod) {
  return alpha_cumprod.sqrt() * noise - (1.0 - alpha_cumprod).sqrt() * x0;
}

torch::Tensor min_snr_v_weights(const torch::Tensor& alpha_cumprod, double gamma) {
  const torch::Tensor snr = alpha_cumprod / (1.0 - alpha_cumprod);
  return torch::clamp_max(snr, gamma) / (snr + 1.0);
}

torch::Tensor weighted_mse(const torch::Tensor& prediction, const torch::Tensor& target,
                           const torch::Tensor& weights) {
  const torch::Tensor per_sample = (prediction - target).pow(2).flatten(1).mean(1);
  return (weights * per_sample).mean();
}

}  // namespace emergence
