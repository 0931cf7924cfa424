#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace emergence {

// Where a stochastic sampler gets its Gaussian noise. Replaceable, so recorded noise can be
// replayed and a run reproduced draw for draw.
class NoiseSource {
 public:
  virtual ~NoiseSource() = default;
  virtual torch::Tensor draw(at::IntArrayRef shape) = 0;
};

// N(0,1) from a seeded CPU generator: the same draws as torch.randn(generator=manual_seed(s)).
class SeededNoise : public NoiseSource {
 public:
  explicit SeededNoise(uint64_t seed);
  torch::Tensor draw(at::IntArrayRef shape) override;

 private:
  at::Generator generator_;
};

// Hands out recorded tensors in order; running out is an Error.
class ReplayNoise : public NoiseSource {
 public:
  explicit ReplayNoise(std::vector<torch::Tensor> draws);
  torch::Tensor draw(at::IntArrayRef shape) override;
  size_t used() const { return next_; }

 private:
  std::vector<torch::Tensor> draws_;
  size_t next_ = 0;
};

// Spherical linear interpolation (Shoemake 1985) from a (t = 0) to b (t = 1), over the tensors as
// whole vectors: the blend of two Gaussian draws keeps their norm, where a straight one would
// shrink it by up to √2 (AUTOMATIC1111's variation seeds). Nearly parallel inputs blend linearly.
torch::Tensor slerp(double t, const torch::Tensor& a, const torch::Tensor& b);

}  // namespace emergence
