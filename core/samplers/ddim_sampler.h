#pragma once

#include "../sampler.h"

namespace emergence {

// DDIM (Song et al. 2021, eq. 12), as diffusers' DDIMScheduler; η > 0 adds eq. 16's noise.
class DdimSampler : public Sampler {
 public:
  DdimSampler(const NoiseSchedule& schedule, const SamplerSettings& settings);
  std::string name() const override { return "ddim"; }
  bool stochastic() const override { return settings_.eta > 0; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  float alpha_cumprod_after(int i) const;

  NoiseSchedule schedule_;
  SamplerSettings settings_;
  std::vector<int> steps_;       // timestep of call i
  std::vector<int> prev_steps_;  // timestep of the latent after call i; −1 after the last
};

}  // namespace emergence
