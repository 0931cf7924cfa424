#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "noise_schedule.h"
#include "sampler.h"

namespace emergence {

// A diffusers scheduler_config.json read as our training schedule plus sampler defaults.
struct SchedulerConfig {
  std::string class_name;  // e.g. "DDIMScheduler"
  TrainingScheduleConfig training;
  SamplerSettings sampler;  // name, spacing, offset, prediction type, clipping of that scheduler
};

SchedulerConfig scheduler_config_from_json(const nlohmann::json& config);
SchedulerConfig read_scheduler_config(const std::string& path);
// The diffusers scheduler class that matches one of our sampler names.
std::string diffusers_class_for(const std::string& sampler_name);

}  // namespace emergence
