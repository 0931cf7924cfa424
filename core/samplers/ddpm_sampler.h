#pragma once

#include "../sampler.h"

namespace emergence {

// Ancestral DDPM (Ho et al. 2020, eqs. 6–7) with the "fixed_small" variance β̃_t, as diffusers'
// DDPMScheduler.
class DdpmSampler : public Sampler {
 public:
  DdpmSampler(const NoiseSchedule& schedule, const SamplerSettings& settings);
  std::string name() const override { return "ddpm"; }
  bool stochastic() const override { return true; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  NoiseSchedule schedule_;
  SamplerSettings settings_;
  std::vector<int> steps_;
};

}  // namespace emergence
