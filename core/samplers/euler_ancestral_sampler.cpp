#include "euler_ancestral_sampler.h"

#include <cmath>

namespace emergence {

StepResult EulerAncestralSampler::step(const torch::Tensor& model_output, int i,
                                       const torch::Tensor& x, NoiseSource& noise) {
  const float sigma_from = sigmas_[i];
  const float sigma_to = sigmas_[i + 1];
  const CleanAndNoise p = split_ve(x, model_output, sigma_from, settings_.prediction);
  const AncestralSplit split = ancestral_split(sigma_from, sigma_to);
  const torch::Tensor derivative = (x - p.x0) / sigma_from;
  const float dt = split.down - sigma_from;
  torch::Tensor prev = x + derivative * dt;
  prev = prev + noise.draw(model_output.sizes()) * split.up;
  return {prev, p.x0, p.eps};
}

}  // namespace emergence
