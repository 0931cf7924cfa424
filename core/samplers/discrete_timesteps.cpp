#include "discrete_timesteps.h"

namespace emergence {

std::vector<int> discrete_timesteps(const NoiseSchedule& schedule,
                                    const SamplerSettings& settings) {
  const auto ts = select_timesteps(schedule, settings.selection, settings.steps);
  return integer_timesteps(ts, schedule.num_train_timesteps());
}

}  // namespace emergence
