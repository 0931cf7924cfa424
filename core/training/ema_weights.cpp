#include "ema_weights.h"

#include <torch/serialize.h>

#include <algorithm>

#include "core/error.h"

namespace emergence {
namespace {

std::vector<std::pair<std::string, torch::Tensor>> named_state(const torch::nn::Module& module) {
  std::vector<std::pair<std::string, torch::Tensor>> state;
  for (const auto& item : module.named_parameters()) {
    state.emplace_back(item.key(), item.value());
  }
  for (const auto& item : module.named_buffers()) {
    state.emplace_back(item.key(), item.value());
  }
  return state;
}

}  // namespace

EmaWeights::EmaWeights(const torch::nn::Module& module, double max_decay) : max_decay_(max_decay) {
  if (!(max_decay >= 0.0 && max_decay < 1.0)) {
    throw Error("EMA decay must lie in [0, 1), got " + std::to_string(max_decay));
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : named_state(module)) {
    names_.push_back(name);
    averages_.push_back(tensor.detach().clone());
  }
}

double EmaWeights::update(const torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  const double k = static_cast<double>(updates_);
  const double decay = std::min(max_decay_, (1.0 + k) / (10.0 + k));
  const auto state = named_state(module);
  for (size_t i = 0; i < averages_.size(); ++i) {
    if (averages_[i].is_floating_point()) {
      averages_[i].lerp_(state[i].second.detach(), 1.0 - decay);
    } else {
      averages_[i].copy_(state[i].second);
    }
  }
  ++updates_;
  return decay;
}

void EmaWeights::copy_to(torch::nn::Module& module) const {
  torch::NoGradGuard no_grad;
  const auto state = named_state(module);
  for (size_t i = 0; i < averages_.size(); ++i) {
    state[i].second.copy_(averages_[i]);
  }
}

void EmaWeights::save(torch::serialize::OutputArchive& archive) const {
  for (size_t i = 0; i < averages_.size(); ++i) {
    archive.write(names_[i], averages_[i], /*is_buffer=*/true);
  }
  archive.write("updates", torch::tensor(updates_), true);
}

void EmaWeights::load(torch::serialize::InputArchive& archive) {
  for (size_t i = 0; i < averages_.size(); ++i) {
    torch::Tensor value;
    if (!archive.try_read(names_[i], value, /*is_buffer=*/true) ||
        !value.sizes().equals(averages_[i].sizes())) {
      throw Error("checkpoint EMA weights lack '" + names_[i] + "' or its shape differs");
    }
    averages_[i] = value.to(averages_[i].dtype()).clone();
  }
  torch::Tensor updates;
  archive.read("updates", updates, true);
  updates_ = updates.item<int64_t>();
}

}  // namespace emergence
