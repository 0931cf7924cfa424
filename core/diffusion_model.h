#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

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
  std::vector<std::string> class_names;  // empty: unconditional
  SchedulerConfig scheduler;             // the model's own training schedule and defaults
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
};

}  // namespace emergence
