#pragma once

#include <deque>

#include "sigma_sampler.h"

namespace emergence {

// UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of
// Diffusion Models", UniP-p and UniC-p on x̂0 with B(h) = h for bh1 or e^h − 1 for bh2), as
// diffusers' UniPCMultistepScheduler: each call first corrects the latent it was given with the
// new x̂0 (UniC; not after the last call), then predicts the next one from the last `order` x̂0
// (UniP), lower order while warming up and on the final steps.
class UniPcSampler : public SigmaSampler {
 public:
  enum class Variant { Bh1, Bh2 };
  UniPcSampler(const NoiseSchedule& schedule, const SamplerSettings& settings, Variant variant,
               int order);
  std::string name() const override;
  double init_noise_sigma() const override { return 1.0; }
  StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                  NoiseSource& noise) override;

 private:
  // The UniC-corrected latent at σ_i from last_sample_ at σ_{i-1} and the new x̂0.
  torch::Tensor correct(const torch::Tensor& x0, int i) const;
  // The UniP prediction at σ_{i+1} from x at σ_i and the x̂0 history.
  torch::Tensor predict(const torch::Tensor& x, int i) const;

  Variant variant_;
  int order_;
  std::deque<torch::Tensor> x0_history_;  // newest last, at most order_
  torch::Tensor last_sample_;
  int this_order_ = 1;
  int lower_order_nums_ = 0;
};

}  // namespace emergence
