#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "generation_params.h"
#include "sampling_loop.h"
#include "scheduler_config.h"

namespace emergence {

// What the app needs to know about a loaded model.
struct ModelInfo {
  std::string name;  // folder name, or "built-in"
  std::string path;  // folder it came from
  std::string hash;  // model_hash(): 12 hex digits of a SHA-256 over its weights and configs
  int channels = 3;
  int height = 32;
  int width = 32;
  std::vector<std::string> class_names;   // empty: unconditional
  std::vector<std::string> class_groups;  // the heading of each class; empty: no groups
  std::string training_data;              // the folder the model was trained on; empty: unknown
  // Latent models (Stable Diffusion): channels, height and width are the latent's, which is
  // 1/latent_scale of the image's size; pixel models have latent_scale 1.
  int latent_scale = 1;
  bool takes_prompt = false;  // a text encoder reads GenerationParams::prompt
  bool any_size = false;  // GenerationParams::width/height choose the size (latent_scale multiples)
  int max_clip_skip = 0;  // the largest clip_skip the text encoder allows
  SchedulerConfig scheduler;  // the model's own training schedule and defaults
};

// A denoising network behind the engine's DenoiseFn contract. Implementations own their weights
// and allocate nothing per call beyond activations.
class DiffusionModel {
 public:
  virtual ~DiffusionModel() = default;
  virtual const ModelInfo& info() const = 0;
  // Raw model output for a scaled latent at a timestep, with classifier-free guidance when the
  // conditioning asks for a class and a scale ≠ 1.
  virtual torch::Tensor denoise(const torch::Tensor& model_input, double timestep,
                                const Conditioning& conditioning) = 0;
  // A frame's x_t, x̂0, ε̂ or Δ [B,C,h,w] as [B,3,H',W'] for display, in the model's image
  // scale: the tensor itself for pixel models, a cheap preview for latent models.
  virtual torch::Tensor preview_rgb(const torch::Tensor& sample) const { return sample; }
  // The final image [B,3,H,W] in [−1, 1] from a sample: the VAE decode for latent models.
  virtual torch::Tensor decode(const torch::Tensor& sample) { return sample; }
  // A cheaper real decoder for previews of x̂0 (TAESD), by name; empty when the model has none.
  virtual std::string preview_decoder() const { return {}; }
  // x̂0 [B,C,h,w] through the preview decoder as [B,3,H,W] in [−1, 1]; only when
  // preview_decoder() is not empty.
  virtual torch::Tensor preview_decode(const torch::Tensor& sample) { return decode(sample); }
  // What a user should know about these parameters before the run (a prompt cut short, say).
  virtual std::vector<std::string> notices(const GenerationParams& params) const { return {}; }
};

}  // namespace emergence
