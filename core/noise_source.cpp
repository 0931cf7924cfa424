#include "noise_source.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "error.h"

namespace emergence {

SeededNoise::SeededNoise(uint64_t seed) : generator_(at::detail::createCPUGenerator(seed)) {}

torch::Tensor SeededNoise::draw(at::IntArrayRef shape) {
  return torch::randn(shape, generator_, torch::TensorOptions().dtype(torch::kFloat32));
}

ReplayNoise::ReplayNoise(std::vector<torch::Tensor> draws) : draws_(std::move(draws)) {}

torch::Tensor ReplayNoise::draw(at::IntArrayRef shape) {
  if (next_ >= draws_.size()) {
    throw Error("recorded noise ran out after " + std::to_string(draws_.size()) + " draws");
  }
  torch::Tensor t = draws_[next_++];
  if (t.sizes() != shape) {
    throw Error("recorded noise draw " + std::to_string(next_ - 1) + " has the wrong shape");
  }
  return t;
}

torch::Tensor slerp(double t, const torch::Tensor& a, const torch::Tensor& b) {
  if (a.sizes() != b.sizes()) {
    throw Error("slerp needs two tensors of one shape");
  }
  const double na = a.norm().item<double>();
  const double nb = b.norm().item<double>();
  const double cos_omega = na > 0 && nb > 0 ? (a * b).sum().item<double>() / (na * nb) : 1.0;
  if (cos_omega > 0.9995) {
    return a * static_cast<float>(1.0 - t) + b * static_cast<float>(t);
  }
  const double omega = std::acos(std::max(-1.0, cos_omega));
  const double s = std::sin(omega);
  return a * static_cast<float>(std::sin((1.0 - t) * omega) / s) +
         b * static_cast<float>(std::sin(t * omega) / s);
}

}  // namespace emergence
