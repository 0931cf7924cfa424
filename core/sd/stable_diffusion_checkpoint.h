#pragma once

#include <memory>
#include <string>

#include "load_options.h"
#include "prediction_probe.h"
#include "stable_diffusion_model.h"

namespace emergence {

// Loads an SD 1.x/2.x single-file .safetensors checkpoint (ldm_checkpoint.h), with the CLIP
// vocabulary Emergence ships and the scheduler diffusers' single-file loading gives SD 1/2
// (single_file_utils.py SCHEDULER_DEFAULT_CONFIG with the yamls' linear_start 0.00085 and
// linear_end 0.012: scaled_linear, 1000 steps, steps_offset 1, leading spacing, no clipping, as
// DDIM). SD 1 predicts ε; SD 2 is probed (probe_v_prediction) unless options say otherwise.
// `probe`, when given, receives the probe's result (SD 2 only).
std::shared_ptr<StableDiffusionModel> load_stable_diffusion_checkpoint(
    const std::string& file, const LoadOptions& options = {}, PredictionProbe* probe = nullptr);

}  // namespace emergence
