#pragma once

#include "../sampler.h"

namespace emergence {

// Latent Consistency Model sampling (Luo et al. 2023, Algorithm 1) as diffusers' LCMScheduler:
// each call maps the latent to the consistency estimate c_skip·x + c_out·x̂0 and, except on the
// last call, noises that estimate afresh to the next timestep. The timesteps are LCMScheduler's
// own (every T/M-th training step, M = original_inference_steps, N of them evenly by index), so
// the schedule choice does not apply. ComfyUI's sample_lcm instead steps on its σ schedule: the
// model's denoised output, re-noised to σ_{i+1}, with c_skip/c_out only where its
// ModelSamplingDiscrete "lcm" patch adds them; k-diffusion has no LCM.
class LcmSampler : public Sampler {
 public:
  LcmSampler(const NoiseSchedule& schedule, const SamplerSettings& settings);
  std::string name() const override { return "lcm"; }
  bool stochastic() const override { return num_calls() > 1; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  NoiseSchedule schedule_;
  SamplerSettings settings_;
  std::vector<int> steps_;  // timestep of call i
};

}  // namespace emergence
