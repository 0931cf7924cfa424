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
  bool a1111 = false;    // A1111's label, the one its infotext writes
};

// Other apps' names for our samplers: one row per spelling, and a row only for a sampler that
// exists. A1111's labels that are ours up to letter case ("DDIM", "Euler", "Heun") and ComfyUI's
// names that are ours (ddpm, ddim, euler, heun, dpmpp_2m) need no row; they are listed anyway
// where A1111 uses them, so the table is the whole mapping. ComfyUI's "ddim" is k-diffusion's Euler
// on its own σ schedule, which is our DDIM with η = 0 on the same steps up to the timestep grid.
constexpr SamplerSpelling kSamplerSpellings[] = {
    {"DDIM", "ddim", true},                            // A1111 (modules/sd_samplers_timesteps.py)
    {"Euler", "euler", true},                          // A1111
    {"Euler a", "euler_a", true},                      // A1111
    {"euler_ancestral", "euler_a"},                    // ComfyUI KSAMPLER_NAMES
    {"Heun", "heun", true},                            // A1111
    {"DPM++ 2M", "dpmpp_2m", true},                    // A1111
    {"LMS", "lms", true},                              // A1111
    {"DPM2", "dpm2", true},                            // A1111
    {"dpm_2", "dpm2"},                                 // ComfyUI
    {"DPM2 a", "dpm2_a", true},                        // A1111
    {"dpm_2_ancestral", "dpm2_a"},                     // ComfyUI
    {"DPM++ 2M SDE", "dpmpp_2m_sde", true},            // A1111
    {"dpmpp_2m_sde_gpu", "dpmpp_2m_sde"},              // ComfyUI (its noise drawn on the GPU)
    {"DPM++ 2M SDE Heun", "dpmpp_2m_sde_heun", true},  // A1111
    {"dpmpp_2m_sde_heun_gpu", "dpmpp_2m_sde_heun"},    // ComfyUI
    {"DPM++ SDE", "dpmpp_sde", true},                  // A1111
    {"DPM++ 2S a", "dpmpp_2s_a", true},                // A1111
    {"dpmpp_2s_ancestral", "dpmpp_2s_a"},              // ComfyUI
    {"DPM++ 3M SDE", "dpmpp_3m_sde", true},            // A1111
    {"dpmpp_3m_sde_gpu", "dpmpp_3m_sde"},              // ComfyUI
    {"dpmpp_sde_gpu", "dpmpp_sde"},                    // ComfyUI
    // A1111's UniPC and ComfyUI's uni_pc are bh1 of order 3, uni_pc_bh2 bh2 of order 3 (ComfyUI
    // also drops the next-to-last σ and ends at σ = 0.001 for them; those are schedule choices).
    {"UniPC", "unipc_bh1_3", true},  // A1111 (shared_options: uni_pc_variant bh1, uni_pc_order 3)
    {"uni_pc", "unipc_bh1_3"},       // ComfyUI SAMPLER_NAMES
    {"uni_pc_bh2", "unipc_3"},       // ComfyUI SAMPLER_NAMES
    {"DEIS", "deis"},                // InvokeAI's deis; ComfyUI's deis is another implementation
    {"LCM", "lcm", true},            // A1111; ComfyUI's lcm is ours in name (see lcm_sampler.h)
};

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Our name for a spelling of a sampler alone, or empty; `exact` decides whether case matters.
std::string find_sampler(const std::string& name, bool exact) {
  const auto equal = [exact](const std::string& a, const std::string& b) {
    return exact ? a == b : same_name(a, b);
  };
  for (const std::string& ours : sampler_names()) {
    if (equal(name, ours)) {
      return ours;
    }
  }
  for (const SamplerSpelling& row : kSamplerSpellings) {
    if (equal(name, row.spelling)) {
      return row.sampler;
    }
  }
  return {};
}

// Exact spellings win over case-folded ones: A1111's "UniPC" (bh1, order 3) is not our "unipc".
std::string find_sampler(const std::string& name) {
  std::string sampler = find_sampler(name, true);
  return sampler.empty() ? find_sampler(name, false) : sampler;
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

std::string a1111_sampler_label(const std::string& sampler) {
  for (const SamplerSpelling& row : kSamplerSpellings) {
    if (row.a1111 && sampler == row.sampler) {
      return row.spelling;
    }
  }
  return sampler;
}

std::vector<std::pair<std::string, std::string>> sampler_spellings() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const SamplerSpelling& row : kSamplerSpellings) {
    rows.emplace_back(row.spelling, row.sampler);
  }
  return rows;
}

}  // namespace emergence
