#include "generation_params.h"

#include <iterator>
#include <limits>
#include <sstream>
#include <vector>

#include "error.h"
#include "json_file.h"
#include "sampler_aliases.h"

namespace emergence {
namespace {

// No sampler takes more steps than the largest schedule noise_schedule accepts (100,000).
constexpr int64_t kMaxSteps = 100000;
// The CLI's --class range: class embeddings are indexed with 32-bit ints.
constexpr int64_t kMaxClassLabel = std::numeric_limits<int32_t>::max();

std::string key_name(const char* key) { return std::string("generation parameter '") + key + "'"; }

// The value of key, or null when it is absent or null (both keep the default).
const nlohmann::json* value_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// Strings and bools: nlohmann's get<> refuses every other type.
template <typename T>
void read_key(const nlohmann::json& j, const char* key, T& out) {
  const nlohmann::json* value = value_of(j, key);
  if (!value) {
    return;
  }
  try {
    out = value->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(key_name(key) + " has the wrong type (" + json_excerpt(*value) + ")");
  }
}

// get<double> would turn true into 1, so numbers are read explicitly.
void read_number(const nlohmann::json& j, const char* key, double& out) {
  if (const nlohmann::json* value = value_of(j, key)) {
    out = json_number(*value, key_name(key));
  }
}

}  // namespace

bool sampler_uses_eta(const std::string& sampler) { return sampler == "ddim"; }

nlohmann::json to_json(const GenerationParams& p) {
  nlohmann::json j = {{"app", "Emergence"},
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
                      {"prompt", p.prompt},
                      {"negative_prompt", p.negative_prompt},
                      {"clip_skip", p.clip_skip},
                      {"width", p.width},
                      {"height", p.height},
                      {"diffusers_exact", p.diffusers_exact},
                      {"init_image_hash", p.init_image_hash},
                      {"init_image_fit", p.init_image_fit},
                      {"strength", p.strength},
                      {"mask", p.mask},
                      {"variation_seed", p.variation_seed},
                      {"variation_strength", p.variation_strength}};
  if (p.parent) {
    j["branch"] = {{"at_step", p.branch_step}, {"parent", to_json(*p.parent)}};
  }
  return j;
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
  std::string sampler = p.sampler;
  read_key(j, "sampler", sampler);
  const SamplerChoice choice = parse_sampler_choice(sampler);
  p.sampler = choice.sampler;
  if (const nlohmann::json* steps = value_of(j, "steps")) {
    p.steps = static_cast<int>(json_integer(*steps, key_name("steps"), 1, kMaxSteps));
  }
  std::string schedule = to_string(p.spacing);
  read_key(j, "schedule", schedule);
  p.spacing = parse_spacing(schedule);
  if (choice.schedule && *choice.schedule != p.spacing) {
    throw Error(key_name("sampler") + " '" + sampler + "' names the " +
                to_string(*choice.schedule) + " schedule, but " + key_name("schedule") + " is '" +
                schedule + "'");
  }
  read_number(j, "shift", p.shift);
  read_number(j, "karras_rho", p.karras_rho);
  read_number(j, "eta", p.eta);
  if (const nlohmann::json* seed = value_of(j, "seed")) {
    p.seed = json_unsigned(*seed, key_name("seed"));
  }
  if (const nlohmann::json* label = value_of(j, "class_label")) {
    // -1 is what to_json writes for unconditional.
    p.class_label = json_integer(*label, key_name("class_label"), -1, kMaxClassLabel);
  }
  read_number(j, "guidance_scale", p.guidance_scale);
  // Sidecars of pixel models from before these keys had no prompt and the model's own size.
  read_key(j, "prompt", p.prompt);
  read_key(j, "negative_prompt", p.negative_prompt);
  if (const nlohmann::json* skip = value_of(j, "clip_skip")) {
    p.clip_skip = static_cast<int>(json_integer(*skip, key_name("clip_skip"), 0, 64));
  }
  for (const auto& [key, out] : {std::pair<const char*, int*>{"width", &p.width},
                                 std::pair<const char*, int*>{"height", &p.height}}) {
    if (const nlohmann::json* size = value_of(j, key)) {
      *out = static_cast<int>(json_integer(*size, key_name(key), 0, 1 << 16));
    }
  }
  // Sidecars from before this key were all made with diffusers' clipping and Heun arithmetic
  // (their DDIM stepped to the next listed timestep, which diffusers does only when N divides T).
  p.diffusers_exact = true;
  read_key(j, "diffusers_exact", p.diffusers_exact);
  // Older sidecars have none of these: they started from noise.
  read_key(j, "init_image_hash", p.init_image_hash);
  read_key(j, "init_image_fit", p.init_image_fit);
  read_number(j, "strength", p.strength);
  read_key(j, "mask", p.mask);
  // Nor these: they had no variations and no branches.
  if (const nlohmann::json* seed = value_of(j, "variation_seed")) {
    p.variation_seed = json_unsigned(*seed, key_name("variation_seed"));
  }
  read_number(j, "variation_strength", p.variation_strength);
  if (const nlohmann::json* branch = value_of(j, "branch")) {
    if (!branch->is_object() || !branch->contains("parent") || !branch->contains("at_step")) {
      throw Error(key_name("branch") + " must be an object with 'parent' and 'at_step'");
    }
    p.branch_step = static_cast<int>(
        json_integer(branch->at("at_step"), key_name("branch.at_step"), 0, kMaxSteps * 2));
    try {
      p.parent = std::make_shared<const GenerationParams>(
          generation_params_from_json(branch->at("parent")));
    } catch (const Error& e) {
      throw Error(std::string("the parent of this branch: ") + e.what());
    }
  }
  return p;
}

bool is_prompt_run(const GenerationParams& p) { return p.width > 0 && p.height > 0; }

namespace {

// A1111 infotext_utils.quote: a value with a comma, a newline or a colon goes in as JSON
// (json.dumps, so ASCII-escaped).
std::string a1111_quote(const std::string& value) {
  if (value.find_first_of(",\n:") == std::string::npos) {
    return value;
  }
  return nlohmann::json(value).dump(-1, ' ', true);
}

std::string a1111_parameters_line(const GenerationParams& p) {
  std::vector<std::pair<std::string, std::string>> fields;
  const auto add = [&fields](const char* key, const auto& value) {
    std::ostringstream v;
    v << value;
    fields.emplace_back(key, v.str());
  };
  // In create_infotext's order; keys without a value are left out, as A1111 drops None.
  add("Steps", p.steps);
  add("Sampler", a1111_sampler_label(p.sampler));
  add("Schedule type", a1111_label(p.spacing));
  add("CFG scale", p.guidance_scale);
  add("Seed", p.seed);
  add("Size", std::to_string(p.width) + "x" + std::to_string(p.height));
  if (!p.model_hash.empty()) {
    add("Model hash", p.model_hash);
  }
  add("Model", p.model_name.empty() ? std::string("unnamed") : p.model_name);
  if (p.variation_strength > 0) {
    add("Variation seed", p.variation_seed);
    add("Variation seed strength", p.variation_strength);
  }
  if (p.clip_skip > 0) {
    add("Clip skip", p.clip_skip + 1);  // A1111 counts the last layer as 1
  }
  // extra_generation_params: what A1111 has no field of its own for.
  if (p.eta > 0 && sampler_uses_eta(p.sampler)) {
    add("Eta", p.eta);
  }
  if (p.shift != 1.0) {
    add("Shift", p.shift);
  }
  if (p.diffusers_exact) {
    add("Diffusers exact", "yes");
  }
  if (p.parent) {
    add("Branch of seed",
        std::to_string(p.parent->seed) + " at step " + std::to_string(p.branch_step));
  }
  add("Version", std::string("Emergence ") + EMERGENCE_VERSION_STRING);
  std::string line;
  for (const auto& [key, value] : fields) {
    line += (line.empty() ? "" : ", ") + key + ": " + a1111_quote(value);
  }
  return line;
}

}  // namespace

std::string to_parameters_text(const GenerationParams& p) {
  if (!is_prompt_run(p)) {
    return to_parameters_line(p);
  }
  std::string text = p.prompt;
  if (!p.negative_prompt.empty()) {
    text += "\nNegative prompt: " + p.negative_prompt;
  }
  return text + "\n" + a1111_parameters_line(p);
}

std::string to_parameters_line(const GenerationParams& p) {
  if (is_prompt_run(p)) {
    return a1111_parameters_line(p);
  }
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
  if (!p.init_image_hash.empty()) {
    // AUTOMATIC1111's names for the same two things.
    s << ", Denoising strength: " << p.strength
      << ", Init image hash: " << p.init_image_hash.substr(0, 12);
    if (!p.mask.empty()) {
      s << ", Mask: painted";
    }
  }
  if (p.variation_strength > 0) {
    s << ", Variation seed: " << p.variation_seed
      << ", Variation seed strength: " << p.variation_strength;
  }
  if (p.parent) {
    s << ", Branch of seed " << p.parent->seed << " at step " << p.branch_step;
  }
  s << ", Model: " << (p.model_name.empty() ? "built-in" : p.model_name);
  if (!p.model_hash.empty()) {
    s << ", Model hash: " << p.model_hash;
  }
  s << ", Version: Emergence " << EMERGENCE_VERSION_STRING;
  return s.str();
}

}  // namespace emergence
