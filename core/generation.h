#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "diffusion_model.h"
#include "generation_params.h"
#include "sampler.h"
#include "sampling_loop.h"

namespace emergence {

// The sampler settings a run uses: the model's scheduler defaults overridden by the params.
SamplerSettings sampler_settings_for(const ModelInfo& model, const GenerationParams& params);

// Checks params against the model (class, guidance scale, the sampler's steps, shift, η, …)
// without running anything; the Error names the parameter and its range.
void validate_generation(const ModelInfo& model, const GenerationParams& params);

// The guidance scale a run takes when none is given: 7.5 for text-to-image models (diffusers'
// StableDiffusionPipeline default), 1 (no guidance) for the others.
double default_guidance_scale(const ModelInfo& model);

// The latent a run samples, [1, C, h, w]: the model's own size, or for a model that takes any
// size, params.width × params.height over its latent scale.
std::vector<int64_t> latent_shape(const ModelInfo& model, const GenerationParams& params);

// The seeded N(0,1) initial latent of a run: [1, C, H, W] from a CPU generator seeded with
// params.seed, the same draw as torch.randn(generator=torch.Generator().manual_seed(seed)).
torch::Tensor initial_noise_for(const ModelInfo& model, uint64_t seed);

// The seed's noise, or with a variation strength the slerp towards the variation seed's.
torch::Tensor initial_noise_for(const ModelInfo& model, const GenerationParams& params);

// Variations around a run (A1111's variation seeds): its parameters with variation seeds
// first_seed … first_seed + count − 1 at one strength; each makes its variation alone.
std::vector<GenerationParams> variations_of(const GenerationParams& run, int count,
                                            uint64_t first_seed, double strength);

// The index of a run's last frame (frame 0 is its start): the model calls a run of these params
// makes, fewer than the sampler's when it starts from an image, its parent's included for a branch.
int model_calls_of_run(const ModelInfo& model, const GenerationParams& params);

struct GenerationRequest {
  GenerationParams params;
  torch::Tensor initial_noise;  // optional: replaces the seeded draw (e.g. --init-noise)
  // The start image [1,C,H,W] in [−1, 1] when params.init_image_hash names one (set_start_image).
  torch::Tensor init_image;
  SamplingObserver* observer = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  ThreadChooser* threads = nullptr;  // see SamplingRequest::threads
  // A branch whose sampler differs from its parent's, when the parent's x_t at the branch step is
  // already at hand (variance-preserving, as frames show it): the parent is not run again and its
  // frames 0…k are not delivered. Ignored otherwise.
  torch::Tensor branch_latent;
};

// Makes image a request's start image and records its hash in the request's params.
void set_start_image(GenerationRequest& request, const torch::Tensor& image);

// One full run of a model: checks the params, builds the sampler, seeds the noise (the initial
// latent is the generator's first draw, step noise the following ones) and samples. A branch
// runs its parent up to the branch step first (core/branching.h), and delivers all its frames.
SamplingResult generate(DiffusionModel& model, const GenerationRequest& request);

}  // namespace emergence
