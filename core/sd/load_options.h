#pragma once

#include <optional>
#include <string>

#include "core/scheduler_config.h"

namespace emergence {

// What a Stable Diffusion model predicts, when the user says so: a single file does not record
// it (SD 2 files are probed, prediction_probe.h), and a folder's scheduler may be wrong.
enum class PredictionChoice { Auto, Epsilon, VPrediction };

// "auto", "epsilon" or "v" (also diffusers' "v_prediction"); Error naming the value otherwise.
PredictionChoice parse_prediction_choice(const std::string& text);

// How open_model loads a model.
struct LoadOptions {
  std::optional<SchedulerConfig> scheduler;  // instead of the model's own
  // Stable Diffusion only: overrides the scheduler's (or the probe's) prediction type.
  PredictionChoice prediction = PredictionChoice::Auto;
  std::string clip_vocabulary;  // single files: the vocabulary .gz; empty: the shipped one
  // Where the model runs, as parse_compute_device reads it ("cpu", "cuda", "cuda:N"; see
  // available_devices()): Stable Diffusion in float16 on CUDA, pixel models on the CPU only.
  std::string device = "cpu";
};

}  // namespace emergence
