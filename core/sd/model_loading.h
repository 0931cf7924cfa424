#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/diffusion_model.h"
#include "core/scheduler_config.h"

namespace emergence {

// Opens any model folder Emergence runs: a Stable Diffusion 1.x/2.x pipeline (or a clear refusal
// of another family), else a UNet2DModel folder. The scheduler is the folder's unless given.
std::shared_ptr<DiffusionModel> open_model(
    const std::string& dir, const std::optional<SchedulerConfig>& scheduler = std::nullopt);

}  // namespace emergence
