#include "scheduler_config.h"

#include <climits>
#include <utility>

#include "error.h"
#include "json_file.h"

namespace emergence {
namespace {

struct ClassName {
  const char* diffusers;
  const char* ours;
};

constexpr ClassName kClasses[] = {
    {"DDPMScheduler", "ddpm"},
    {"DDIMScheduler", "ddim"},
    {"EulerDiscreteScheduler", "euler"},
    {"EulerAncestralDiscreteScheduler", "euler_a"},
    {"HeunDiscreteScheduler", "heun"},
    {"DPMSolverMultistepScheduler", "dpmpp_2m"},
    {"UniPCMultistepScheduler", "unipc"},
    {"LMSDiscreteScheduler", "lms"},
    {"KDPM2DiscreteScheduler", "dpm2"},
    {"KDPM2AncestralDiscreteScheduler", "dpm2_a"},
    {"DPMSolverSDEScheduler", "dpmpp_sde"},
    {"DEISMultistepScheduler", "deis"},
    {"LCMScheduler", "lcm"},
};

std::string key_name(const char* key) { return std::string("scheduler config key '") + key + "'"; }

// Strings and bools: nlohmann's get<> refuses every other type.
template <typename T>
T value_or(const nlohmann::json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return fallback;
  }
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(key_name(key) + " has the wrong type (" + json_excerpt(*it) + ")");
  }
}

// get<double> would turn true into 1, so numbers are read explicitly.
template <>
double value_or<double>(const nlohmann::json& j, const char* key, double fallback) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : json_number(*it, key_name(key));
}

// get<int> of 5e50 is undefined behaviour; the schedule code checks the exact ranges later.
int int_or(const nlohmann::json& j, const char* key, int fallback, int min) {
  auto it = j.find(key);
  return it == j.end() || it->is_null()
             ? fallback
             : static_cast<int>(json_integer(*it, key_name(key), min, INT_MAX));
}

// The variant of a class's sampler that its own options pick: UniPC's solver type and order,
// DPM-Solver's SDE form, its order and its solver type.
std::string variant_of(const std::string& sampler, const nlohmann::json& j) {
  if (sampler == "unipc") {
    const bool bh1 = value_or<std::string>(j, "solver_type", "bh2") == "bh1";
    const bool third = int_or(j, "solver_order", 2, 1) >= 3;
    return std::string(bh1 ? "unipc_bh1" : "unipc") + (third ? "_3" : "");
  }
  if (sampler == "dpmpp_2m" &&
      value_or<std::string>(j, "algorithm_type", "dpmsolver++") == "sde-dpmsolver++") {
    if (int_or(j, "solver_order", 2, 1) >= 3) {
      return "dpmpp_3m_sde";  // its second-order steps are midpoint whatever solver_type says
    }
    const bool heun = value_or<std::string>(j, "solver_type", "midpoint") == "heun";
    return heun ? "dpmpp_2m_sde_heun" : "dpmpp_2m_sde";
  }
  return sampler;
}

}  // namespace

std::string diffusers_class_for(const std::string& sampler_name) {
  for (const auto& c : kClasses) {
    if (sampler_name == c.ours) {
      return c.diffusers;
    }
  }
  // Variants: unipc_bh1 is UniPCMultistepScheduler, dpmpp_2m_sde DPMSolverMultistepScheduler.
  for (const auto& c : kClasses) {
    if (sampler_name.rfind(std::string(c.ours) + "_", 0) == 0) {
      return c.diffusers;
    }
  }
  return "DDIMScheduler";
}

SchedulerConfig scheduler_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw Error("scheduler config must be a JSON object");
  }
  SchedulerConfig c;
  c.class_name = value_or<std::string>(j, "_class_name", "DDIMScheduler");
  c.sampler.name = "ddim";
  bool known = false;
  for (const auto& k : kClasses) {
    if (c.class_name == k.diffusers) {
      c.sampler.name = k.ours;
      known = true;
    }
  }
  const bool alpha_indexed = !known || c.sampler.name == "ddim" || c.sampler.name == "ddpm";
  c.sampler.name = variant_of(c.sampler.name, j);

  c.training.num_train_timesteps = int_or(j, "num_train_timesteps", 1000, 1);
  c.training.beta_schedule =
      parse_beta_schedule(value_or<std::string>(j, "beta_schedule", "linear"));
  c.training.beta_start = value_or<double>(j, "beta_start", 0.0001);
  c.training.beta_end = value_or<double>(j, "beta_end", 0.02);
  if (j.contains("trained_betas") && !j["trained_betas"].is_null()) {
    throw Error("scheduler configs with explicit trained_betas are not supported");
  }

  c.sampler.prediction =
      parse_prediction_type(value_or<std::string>(j, "prediction_type", "epsilon"));
  c.sampler.selection.spacing = parse_spacing(
      value_or<std::string>(j, "timestep_spacing", alpha_indexed ? "leading" : "linspace"));
  // diffusers allows at most one of these and then ignores timestep_spacing's σ.
  const std::pair<const char*, Spacing> sigma_keys[] = {
      {"use_karras_sigmas", Spacing::Karras},
      {"use_exponential_sigmas", Spacing::Exponential},
      {"use_beta_sigmas", Spacing::Beta}};
  std::string chosen;
  for (const auto& [key, spacing] : sigma_keys) {
    if (value_or<bool>(j, key, false)) {
      if (!chosen.empty()) {
        throw Error(std::string("scheduler config sets both ") + chosen + " and " + key +
                    "; diffusers allows only one");
      }
      chosen = key;
      c.sampler.selection.spacing = spacing;
    }
  }
  c.sampler.selection.steps_offset = int_or(j, "steps_offset", 0, 0);
  // DDPM and DDIM clip x̂0 unless told otherwise; the σ samplers do not.
  c.sampler.clip_sample = value_or<bool>(j, "clip_sample", alpha_indexed);
  c.sampler.clip_sample_range = value_or<double>(j, "clip_sample_range", 1.0);
  c.sampler.set_alpha_to_one = value_or<bool>(j, "set_alpha_to_one", true);
  c.sampler.final_sigma_min = value_or<std::string>(j, "final_sigmas_type", "zero") == "sigma_min";
  c.sampler.lcm_original_steps = int_or(j, "original_inference_steps", 50, 1);
  if (value_or<double>(j, "timestep_scaling", 10.0) != 10.0) {
    throw Error("scheduler config key 'timestep_scaling': only LCMScheduler's 10 is supported");
  }
  return c;
}

SchedulerConfig read_scheduler_config(const std::string& path) {
  try {
    return scheduler_config_from_json(read_json_file(path));
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(path, 0) == 0 || what.find(path) != std::string::npos) {
      throw;
    }
    throw Error(path + ": " + what);
  }
}

}  // namespace emergence
