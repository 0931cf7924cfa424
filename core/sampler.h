#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "noise_schedule.h"
#include "noise_source.h"
#include "prediction.h"
#include "timestep_spacing.h"

namespace emergence {

// Everything that picks and parameterises a sampler, independent of the network.
struct SamplerSettings {
  std::string name = "ddim";  // see sampler_names()
  int steps = 50;
  StepSelection selection;
  PredictionType prediction = PredictionType::Epsilon;
  double eta = 0.0;          // DDIM: 0 = deterministic, 1 = DDPM-like noise
  bool clip_sample = false;  // clamp x̂0 to ±clip_sample_range (DDPM, DDIM, Heun)
  double clip_sample_range = 1.0;
  bool set_alpha_to_one = true;  // DDIM: ᾱ after the last step is 1 rather than ᾱ_0
  // DDIM: ε̂ re-derived from the clipped x̂0 (diffusers' step() argument, false there by default).
  // Without it a clipped step is inconsistent and its error grows with the step count.
  bool use_clipped_model_output = true;
  // DDIM: the latent after a step sits at the next listed timestep. Off, it sits at diffusers'
  // t − T/N (integer division), which under linspace or trailing spacing falls between listed steps
  // when N does not divide T: the next call then sees a latent noisier or cleaner than its timestep
  // says (400 trailing steps on the built-in model: 17 levels from the 100-step image, not 0.6).
  // Shifted spacings and all but leading, linspace and trailing always use the next listed
  // timestep (diffusers has none of them for DDIM).
  bool ddim_next_listed = true;
  // Heun: diffusers' trapezoid at every step, which extrapolates past the second estimate when
  // σ_i > 3·σ_{i+1}. Off, such a step's correction stops at the second estimate.
  bool heun_extrapolate = false;
  // DPM2 and DPM2 ancestral: diffusers' full step with the midpoint's slope at every step, which
  // amplifies the midpoint's x̂0 error by (σ − σ_target)/σ_mid (56 and 3188 from σ 2·10⁴ to 6.4,
  // the first of 10 trailing steps on a cosine schedule). Off, a step where σ falls more than
  // threefold takes DPM-Solver-2's exponential-integrator form instead.
  bool dpm2_extrapolate = false;
  // DPM++ 3M SDE: diffusers' weight of the second difference D2, (1 − e^{−2h} − 2h)/(2h)² − ½,
  // which tends to −1 as h → 0 (its ½ has the opposite sign in the ODE's third-order weight and in
  // k-diffusion's `sample_dpmpp_3m_sde`, where the weight tends to 0). Off, it is k-diffusion's
  // (1 − e^{−2h} − 2h)/(2h)² + ½.
  bool dpmpp_3m_diffusers_d2 = false;
  // UniPC: the last step ends at σ(0), the smallest training σ, instead of 0 (diffusers'
  // final_sigmas_type "sigma_min"; from the scheduler config).
  bool final_sigma_min = false;
  // LCM: the training steps its timesteps are taken from are every T/M-th, M this
  // (LCMScheduler's original_inference_steps; from the scheduler config).
  int lcm_original_steps = 50;
};

// The sampler's own settings check: names the parameter and its allowed range.
void validate_settings(const SamplerSettings& settings, int num_train_timesteps);

// What one sampler step produced: the next latent and the predictions it was built from.
struct StepResult {
  torch::Tensor prev_sample;  // next latent, in the sampler's own scale
  torch::Tensor pred_x0;      // x̂0, the model's current guess of the clean image
  torch::Tensor pred_eps;     // ε̂, the noise it believes is in the latent
};

// A diffusion sampler (a diffusers "scheduler"): it turns model outputs into the next latent.
// It never sees the network; the sampling loop hands it the output of a denoise callback.
class Sampler {
 public:
  virtual ~Sampler() = default;

  virtual std::string name() const = 0;
  // Timestep handed to the model at each call (Heun calls twice per step).
  const std::vector<double>& timesteps() const { return timesteps_; }
  int num_calls() const { return static_cast<int>(timesteps_.size()); }
  // Model calls per step: 2 for the two-stage samplers (Heun, DPM2, DPM++ 2S/SDE), whose last
  // step takes one, so step k starts at call k·calls_per_step() (diffusers' `scheduler.order`).
  virtual int calls_per_step() const { return 1; }
  int num_steps() const { return (num_calls() + calls_per_step() - 1) / calls_per_step(); }
  // σ of the latent before call i and, at [num_calls()], after the last call.
  const std::vector<double>& state_sigmas() const { return state_sigmas_; }
  // True when the latent is x0 + σε (Euler, Heun); false when it is √ᾱ·x0 + √(1-ᾱ)·ε.
  virtual bool variance_exploding() const { return false; }
  virtual bool stochastic() const { return false; }

  // The initial latent is N(0,1) noise times this.
  virtual double init_noise_sigma() const { return 1.0; }
  // What the network sees at call i (diffusers `scale_model_input`).
  virtual torch::Tensor scale_model_input(const torch::Tensor& x, int i) const { return x; }
  // One update from the model output at call i.
  virtual StepResult step(const torch::Tensor& model_output, int i, const torch::Tensor& x,
                          NoiseSource& noise) = 0;

 protected:
  std::vector<double> timesteps_;
  std::vector<double> state_sigmas_;
};

std::vector<std::string> sampler_names();
// Builds a sampler with its timesteps already set; throws Error on bad settings.
std::unique_ptr<Sampler> make_sampler(const NoiseSchedule& schedule,
                                      const SamplerSettings& settings);

}  // namespace emergence
