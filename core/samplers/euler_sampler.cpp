#include "euler_sampler.h"

namespace emergence {

StepResult EulerSampler::step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                              NoiseSource&) {
  const float sigma = sigmas_[i];
  const CleanAndNoise p = split_ve(x, model_output, sigma, settings_.prediction);
  // d = (x − x̂0)/σ, x_next = x + d·(σ_next − σ).
  const torch::Tensor derivative = (x - p.x0) / sigma;
  const float dt = sigmas_[i + 1] - sigma;
  return {x + derivative * dt, p.x0, p.eps};
}

}  // namespace emergence
