#include "euler_ancestral_sampler.h"

#include <cmath>

namespace emergence {

StepResult EulerAncestralSampler::step(const torch::Tensor& model_output, int i,
                                       const torch::Tensor& x, NoiseSource& noise) {
  const float sigma_from = sigmas_[i];
  const float sigma_to = sigmas_[i + 1];
  const CleanAndNoise p = split_ve(x, model_output, sigma_from, settings_.prediction);
  // σ_up = √(σ_to²(σ_from² − σ_to²)/σ_from²), σ_down = √(σ_to² − σ_up²).
  const float sigma_up =
      std::sqrt(sigma_to * sigma_to * (sigma_from * sigma_from - sigma_to * sigma_to) /
                (sigma_from * sigma_from));
  const float sigma_down = std::sqrt(sigma_to * sigma_to - sigma_up * sigma_up);
  const torch::Tensor derivative = (x - p.x0) / sigma_from;
  const float dt = sigma_down - sigma_from;
  torch::Tensor prev = x + derivative * dt;
  prev = prev + noise.draw(model_output.sizes()) * sigma_up;
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
