#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "timestep_spacing.h"

namespace emergence {

// A sampler as a name picks it. Since AUTOMATIC1111 1.9 the sampler and the schedule are two
// choices; its older names join them: "DPM++ 2M Karras" is dpmpp_2m with the karras schedule.
struct SamplerChoice {
  std::string sampler;              // one of sampler_names()
  std::optional<Spacing> schedule;  // the schedule the name implies, if it names one
};

// Our name, A1111's ("Euler a", "DPM++ 2M", "DPM++ 2M Karras") or ComfyUI's ("euler_ancestral"),
// in any letter case. A1111's "<sampler> <schedule label>" works for every sampler and schedule.
// An unknown name is an Error that lists the known ones.
SamplerChoice parse_sampler_choice(const std::string& name);

// A1111's label for one of our samplers ("Euler a" for euler_a); ours where A1111 has none.
std::string a1111_sampler_label(const std::string& sampler);

// Every row of the table of other apps' sampler names: (spelling, our sampler name).
std::vector<std::pair<std::string, std::string>> sampler_spellings();

}  // namespace emergence
