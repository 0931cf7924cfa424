#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/diffusion_model.h"
#include "core/scheduler_config.h"
#include "load_options.h"

namespace emergence {

// Opens any model Emergence runs: a Stable Diffusion 1.x/2.x pipeline folder, an SD 1.x/2.x
// single-file .safetensors checkpoint (stable_diffusion_checkpoint.h), or a UNet2DModel folder;
// anything else is a clear refusal naming what it is. The scheduler is the model's unless
// options give one; options.prediction applies to Stable Diffusion models only.
std::shared_ptr<DiffusionModel> open_model(const std::string& path, const LoadOptions& options);
std::shared_ptr<DiffusionModel> open_model(
    const std::string& path, const std::optional<SchedulerConfig>& scheduler = std::nullopt);

}  // namespace emergence
