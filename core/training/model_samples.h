#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/diffusion_model.h"

namespace emergence {

// One image to draw from a model.
struct SampleRequest {
  int64_t class_label = -1;  // < 0: unconditional
  uint64_t seed = 0;
};

struct SamplingSettings {
  int steps = 30;
  double guidance_scale = 2.0;  // classifier-free guidance (1 = none)
};

// Runs the model's own sampler (its scheduler_config defaults: sampler, spacing, prediction type)
// once per request, exactly as `emergence generate --seed S --class C` would, and returns the
// final images clamped to [-1, 1] as [N, C, H, W].
torch::Tensor draw_samples(DiffusionModel& model, const std::vector<SampleRequest>& requests,
                           const SamplingSettings& settings);

}  // namespace emergence
