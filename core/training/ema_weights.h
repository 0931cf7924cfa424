#pragma once

#include <torch/nn/module.h>
#include <torch/serialize/archive.h>

#include <string>
#include <vector>

namespace emergence {

// An exponential moving average of a module's parameters and buffers, with diffusers EMAModel's
// warm-up: decay_k = min(max_decay, (1 + k) / (10 + k)) at update k, so early weights are not
// frozen at their random start.
class EmaWeights {
 public:
  EmaWeights(const torch::nn::Module& module, double max_decay);

  // Folds the module's current values in; returns the decay used.
  double update(const torch::nn::Module& module);
  // Overwrites the module's parameters and buffers with the averages.
  void copy_to(torch::nn::Module& module) const;

  int64_t updates() const { return updates_; }
  double max_decay() const { return max_decay_; }

  void save(torch::serialize::OutputArchive& archive) const;
  // Errors when a name or shape of the archive does not match the module's.
  void load(torch::serialize::InputArchive& archive);

 private:
  std::vector<std::string> names_;
  std::vector<torch::Tensor> averages_;
  double max_decay_;
  int64_t updates_ = 0;
};

}  // namespace emergence
