#include "generation_params.h"

#include <iterator>
#include <sstream>
#include <vector>

#include "error.h"

namespace emergence {
namespace {

template <typename T>
void read_key(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return;
  }
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(std::string("generation parameter '") + key + "' has the wrong type");
  }
}

}  // namespace

bool sampler_uses_eta(const std::string& sampler) { return sampler == "ddim"; }

nlohmann::json to_json(const GenerationParams& p) {
  return {{"app", "Emergence"},
          {"app_version", EMERGENCE_VERSION_STRING},
          {"model_path", p.model_path},
          {"model_name", p.model_name},
          {"model_hash", p.model_hash},
          {"sampler", p.sampler},
          {"steps", p.steps},
          {"schedule", to_string(p.spacing)},
          {"shift", p.shift},
          {"karras_rho", p.karras_rho},
          {"eta", p.eta},
          {"seed", p.seed},
          {"class_label", p.class_label},
          {"guidance_scale", p.guidance_scale},
          {"diffusers_exact", p.diffusers_exact}};
}

GenerationParams generation_params_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw Error("generation parameters must be a JSON object");
  }
  // Every key that shapes the image: a default in place of a missing one would silently make a
  // different picture (e.g. leading spacing for a model whose own is trailing).
  static const char* const kRequired[] = {"sampler", "steps",       "schedule",
                                          "shift",   "karras_rho",  "eta",
                                          "seed",    "class_label", "guidance_scale"};
  std::vector<std::string> missing;
  for (const char* key : kRequired) {
    if (!j.contains(key) || j.at(key).is_null()) {
      missing.push_back(key);
    }
  }
  if (missing.size() == std::size(kRequired)) {
    throw Error(
        "no generation parameters (an export's JSON sidecar has sampler, steps, schedule, shift, "
        "karras_rho, eta, seed, class_label and guidance_scale)");
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    }
    throw Error("generation parameters are incomplete: " + list + " " +
                (missing.size() == 1 ? "is" : "are") + " missing");
  }
  GenerationParams p;
  read_key(j, "model_path", p.model_path);
  read_key(j, "model_name", p.model_name);
  read_key(j, "model_hash", p.model_hash);
  read_key(j, "sampler", p.sampler);
  read_key(j, "steps", p.steps);
  std::string schedule = to_string(p.spacing);
  read_key(j, "schedule", schedule);
  p.spacing = parse_spacing(schedule);
  read_key(j, "shift", p.shift);
  read_key(j, "karras_rho", p.karras_rho);
  read_key(j, "eta", p.eta);
  read_key(j, "seed", p.seed);
  read_key(j, "class_label", p.class_label);
  read_key(j, "guidance_scale", p.guidance_scale);
  // Sidecars from before this key were all made with diffusers' arithmetic.
  p.diffusers_exact = true;
  read_key(j, "diffusers_exact", p.diffusers_exact);
  return p;
}

std::string to_parameters_line(const GenerationParams& p) {
  std::ostringstream s;
  s << "Steps: " << p.steps << ", Sampler: " << p.sampler << ", Schedule: " << to_string(p.spacing)
    << ", Shift: " << p.shift;
  if (p.eta > 0 && sampler_uses_eta(p.sampler)) {
    s << ", Eta: " << p.eta;
  }
  s << ", Seed: " << p.seed;
  if (p.class_label >= 0) {
    s << ", Class: " << p.class_label << ", CFG scale: " << p.guidance_scale;
  }
  if (p.diffusers_exact) {
    s << ", Diffusers exact: yes";
  }
  s << ", Model: " << (p.model_name.empty() ? "built-in" : p.model_name);
  if (!p.model_hash.empty()) {
    s << ", Model hash: " << p.model_hash;
  }
  s << ", Version: Emergence " << EMERGENCE_VERSION_STRING;
  return s.str();
}

}  // namespace emergence
