#pragma once

#include <vector>

#include "../noise_schedule.h"
#include "../sampler.h"

namespace emergence {

// Integer timesteps for the samplers that index ᾱ_t directly (DDPM, DDIM).
std::vector<int> discrete_timesteps(const NoiseSchedule& schedule, const SamplerSettings& settings);

}  // namespace emergence
