#include "noise_source.h"

#include <ATen/CPUGeneratorImpl.h>

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

}  // namespace emergence
