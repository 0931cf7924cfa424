#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image_guide.h"
#include "noise_source.h"
#include "sampler.h"
#include "thread_chooser.h"

namespace emergence {

// What the denoiser is asked for besides the latent: a class and a classifier-free guidance scale
// (Ho & Salimans 2022). class_label < 0 means unconditional.
struct Conditioning {
  int64_t class_label = -1;
  double guidance_scale = 1.0;
  // Text-conditioned models: the prompt, the negative prompt (the unconditional half of
  // guidance) and diffusers' clip_skip. Models without a text encoder ignore them.
  std::string prompt;
  std::string negative_prompt;
  int clip_skip = 0;
};

// The network as a sampler sees it: the scaled latent and the timestep in, the raw model output
// (ε, v or x0, per the model's prediction type) out.
using DenoiseFn = std::function<torch::Tensor(const torch::Tensor& model_input, double timestep,
                                              const Conditioning& conditioning)>;

// One moment of a run, as every observer sees it. Tensors are [B,C,H,W] float32 and owned by the
// frame. Frame 0 is the initial noise; frame k follows model call k.
struct StepFrame {
  int index = 0;
  int total = 0;          // number of model calls in the run
  double timestep = 0.0;  // timestep of the call that produced this frame (frame 0: the first)
  double sigma = 0.0;     // noise level of x_t in x0 units, σ = √((1-ᾱ)/ᾱ)
  torch::Tensor x_t;      // the noisy state, variance-preserving scale √ᾱ·x0 + √(1-ᾱ)·ε
  torch::Tensor x0;       // x̂0, the model's guess of the clean image (zeros in frame 0)
  torch::Tensor eps;      // ε̂, the predicted noise (the noise itself in frame 0)
  torch::Tensor delta;    // this step's update of x_t (zeros in frame 0)
  // x̂0 through a real decoder, [B,3,H,W] in [−1, 1], on the steps that have one (latent models:
  // DecodedPreviewObserver, every few steps); undefined on the others.
  torch::Tensor x0_decoded;
  std::string decoder;  // what made x0_decoded ("TAESD", "VAE"); empty when it is undefined
};

// Receives every frame of a run on the thread that runs it.
class SamplingObserver {
 public:
  virtual ~SamplingObserver() = default;
  virtual void on_frame(const StepFrame& frame) = 0;
};

// A branch that keeps its parent's sampler (core/branching.h): from frame at_frame on, the
// conditioning and, when noise is set, the step noise change.
struct Continuation {
  int at_frame = 0;
  Conditioning conditioning;
  NoiseSource* noise = nullptr;  // null: the noise in use goes on
};

// A branch that changes the sampler: the run starts at the sampler's call `call` from `latent`
// (variance-preserving scale, as frames show it), with frames numbered from `frame`, which is
// the parent's and not delivered again.
struct SamplingStart {
  int call = 0;
  int frame = 0;
  torch::Tensor latent;  // undefined: the run starts from the noise (or the guide's image)
};

struct SamplingRequest {
  torch::Tensor initial_noise;  // N(0,1), [B,C,H,W]; scaled by init_noise_sigma here
  // Image to image: the run starts at first_call_for_strength(), from the image noised with
  // initial_noise as ε; with a mask, the unmasked part follows the noised image at every step and
  // is the image itself after the last. Frames count from that start.
  ImageGuide guide;
  Conditioning conditioning;
  NoiseSource* noise = nullptr;  // required by stochastic samplers
  SamplingObserver* observer = nullptr;
  const std::atomic<bool>* cancel = nullptr;  // checked before every model call
  // Carried over from earlier runs of the same model, so that short runs (Live's) do not each
  // spend calls timing thread counts again; null: a fresh chooser for this run.
  ThreadChooser* threads = nullptr;
  SamplingStart start;
  std::vector<Continuation> continuations;  // in frame order
  int last_frame = -1;                      // ≥ 0: stop once this frame is delivered
};

// Cancelled is an outcome, not an error: the latent holds the last completed step.
enum class SamplingOutcome { Completed, Cancelled };

struct SamplingResult {
  SamplingOutcome outcome = SamplingOutcome::Completed;
  torch::Tensor latent;  // the raw final latent, before any clamping
  int calls_done = 0;
};

// Runs the sampler's loop over a denoise callback. Throws Error when the model output turns
// non-finite; frames already delivered stay valid.
SamplingResult run_sampling(Sampler& sampler, const DenoiseFn& denoise,
                            const SamplingRequest& request);

}  // namespace emergence
