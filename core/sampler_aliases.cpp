#include "sampler_aliases.h"

#include <algorithm>
#include <cctype>

#include "error.h"
#include "sampler.h"

namespace emergence {
namespace {

struct SamplerSpelling {
  const char* spelling;  // matched in any letter case
  const char* sampler;   // ours
};

// Other apps' names for our samplers: one row per spelling, and a row only for a sampler that
// exists. A1111's labels that are ours up to letter case ("DDIM", "Euler", "Heun") and ComfyUI's
// names that are ours (ddpm, ddim, euler, heun, dpmpp_2m) need no row; they are listed anyway
// where A1111 uses them, so the table is the whole mapping. ComfyUI's "ddim" is k-diffusion's Euler
// on its own σ schedule, which is our DDIM with η = 0 on the same steps up to the timestep grid.
constexpr SamplerSpelling kSpellings[] = {
    {"DDIM", "ddim"},                // A1111 (modules/sd_samplers_timesteps.py)
    {"Euler", "euler"},              // A1111
    {"Euler a", "euler_a"},          // A1111
    {"euler_ancestral", "euler_a"},  // ComfyUI KSAMPLER_NAMES
    {"Heun", "heun"},                // A1111
    {"DPM++ 2M", "dpmpp_2m"},        // A1111
};

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Our name for a spelling of a sampler alone, or empty.
std::string find_sampler(const std::string& name) {
  for (const std::string& ours : sampler_names()) {
    if (same_name(name, ours)) {
      return ours;
    }
  }
  for (const SamplerSpelling& row : kSpellings) {
    if (same_name(name, row.spelling)) {
      return row.sampler;
    }
  }
  return {};
}

}  // namespace

SamplerChoice parse_sampler_choice(const std::string& name) {
  if (std::string sampler = find_sampler(name); !sampler.empty()) {
    return {sampler, std::nullopt};
  }
  // A1111's get_sampler_and_scheduler: a trailing schedule label ("… Karras", "… SGM Uniform").
  // The longest label that leaves a sampler's name wins.
  for (size_t space = name.find(' '); space != std::string::npos;
       space = name.find(' ', space + 1)) {
    const std::optional<Spacing> schedule = find_spacing(name.substr(space + 1));
    if (!schedule) {
      continue;
    }
    if (std::string sampler = find_sampler(name.substr(0, space)); !sampler.empty()) {
      return {sampler, schedule};
    }
  }
  std::string known;
  for (const std::string& ours : sampler_names()) {
    known += (known.empty() ? "" : ", ") + ours;
  }
  throw Error("unknown sampler '" + name + "' (known: " + known +
              "; A1111's and ComfyUI's names for them are accepted too, such as 'Euler a' or "
              "'DPM++ 2M Karras')");
}

std::vector<std::pair<std::string, std::string>> sampler_spellings() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const SamplerSpelling& row : kSpellings) {
    rows.emplace_back(row.spelling, row.sampler);
  }
  return rows;
}

}  // namespace emergence
