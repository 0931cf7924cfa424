#include "parameters_import.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "error.h"
#include "json_file.h"
#include "sampler_aliases.h"
#include "text.h"
#include "timestep_spacing.h"

namespace emergence {
namespace {

// A1111's "Key: value, Key: "quoted, value", …" into pairs, in order; nullopt unless it holds at
// least three pairs (A1111's own test for the parameters line).
std::optional<std::vector<std::pair<std::string, std::string>>> key_values(
    const std::string& line) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t i = 0;
  while (i < line.size()) {
    const size_t colon = line.find(':', i);
    if (colon == std::string::npos) {
      break;
    }
    const std::string key = trim(line.substr(i, colon - i));
    size_t j = colon + 1;
    while (j < line.size() && line[j] == ' ') {
      ++j;
    }
    std::string value;
    if (j < line.size() && line[j] == '"') {
      size_t end = j + 1;
      while (end < line.size() && line[end] != '"') {
        end += line[end] == '\\' ? 2 : 1;
      }
      value = line.substr(j + 1, std::min(end, line.size()) - j - 1);
      j = line.find(',', end);
    } else {
      const size_t comma = line.find(',', j);
      value = trim(line.substr(j, comma == std::string::npos ? std::string::npos : comma - j));
      j = comma;
    }
    if (key.empty() || key.find_first_of(",\n") != std::string::npos) {
      return std::nullopt;
    }
    pairs.emplace_back(key, value);
    i = j == std::string::npos ? line.size() : j + 1;
  }
  if (pairs.size() < 3) {
    return std::nullopt;
  }
  return pairs;
}

// Sets one setting from text, or records why it could not be read.
class Mapper {
 public:
  explicit Mapper(ImportedParameters& out) : out_(out) {}

  template <typename Set>
  void map(const std::string& setting, const std::string& label, const std::string& value,
           Set set) {
    try {
      set(value);
      out_.mapped.emplace_back(setting, value);
    } catch (const std::exception& e) {
      out_.unmapped.emplace_back(label + ": " + value, e.what());
    }
  }
  void skip(const std::string& label, const std::string& value, const std::string& why) {
    out_.unmapped.emplace_back(value.empty() ? label : label + ": " + value, why);
  }

 private:
  ImportedParameters& out_;
};

int64_t whole_number(const std::string& text) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw Error("'" + text + "' is not a whole number");
  }
  return v;
}

uint64_t seed_number(const std::string& text) {
  const int64_t v = whole_number(text);
  if (v < 0) {
    throw Error("seed " + text + " means a random seed, which was not recorded");
  }
  return static_cast<uint64_t>(v);
}

double real_number(const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw Error("'" + text + "' is not a number");
  }
  return v;
}

void set_sampler(GenerationParams& p, const std::string& name) {
  const SamplerChoice choice = parse_sampler_choice(name);
  p.sampler = choice.sampler;
  if (choice.schedule) {
    p.spacing = *choice.schedule;
  }
}

constexpr const char* kNoPrompt = "Emergence's models take no prompt";
constexpr const char* kOpenModel = "open that model yourself; the settings apply to the one open";

}  // namespace

bool ImportedParameters::has(const std::string& setting) const {
  return std::any_of(mapped.begin(), mapped.end(),
                     [&setting](const auto& m) { return m.first == setting; });
}

ImportedParameters import_a1111_parameters(const std::string& text) {
  ImportedParameters out;
  out.source = "AUTOMATIC1111";
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  std::optional<std::vector<std::pair<std::string, std::string>>> pairs;
  if (!lines.empty()) {
    pairs = key_values(lines.back());
  }
  if (!pairs) {
    throw Error("the 'parameters' text has no \"Steps: …, Sampler: …\" line");
  }
  lines.pop_back();
  std::string prompt;
  std::string negative;
  bool in_negative = false;
  for (const std::string& line : lines) {
    if (line.rfind("Negative prompt:", 0) == 0) {
      in_negative = true;
      negative += trim(line.substr(16));
    } else {
      (in_negative ? negative : prompt) +=
          (in_negative ? "\n" : (prompt.empty() ? "" : "\n")) + line;
    }
  }
  Mapper m(out);
  GenerationParams& p = out.params;
  if (!trim(prompt).empty()) {
    m.skip("Prompt", trim(prompt), kNoPrompt);
  }
  if (!trim(negative).empty()) {
    m.skip("Negative prompt", trim(negative), kNoPrompt);
  }
  std::string schedule_type;
  for (const auto& [key, value] : *pairs) {
    const std::string k = lower_ascii(key);
    if (k == "steps") {
      m.map("steps", key, value, [&p](const std::string& v) {
        p.steps = static_cast<int>(std::clamp<int64_t>(whole_number(v), 1, 100000));
      });
    } else if (k == "sampler") {
      m.map("sampler", key, value, [&p](const std::string& v) { set_sampler(p, v); });
    } else if (k == "schedule type" || k == "schedule") {
      schedule_type = value;
    } else if (k == "cfg scale") {
      m.map("guidance", key, value,
            [&p](const std::string& v) { p.guidance_scale = real_number(v); });
    } else if (k == "seed") {
      m.map("seed", key, value, [&p](const std::string& v) { p.seed = seed_number(v); });
    } else if (k == "variation seed") {
      m.map("variation seed", key, value,
            [&p](const std::string& v) { p.variation_seed = seed_number(v); });
    } else if (k == "variation seed strength") {
      m.map("variation strength", key, value,
            [&p](const std::string& v) { p.variation_strength = real_number(v); });
    } else if (k == "eta" || k == "eta ddim") {
      m.map("eta", key, value, [&p](const std::string& v) { p.eta = real_number(v); });
    } else if (k == "shift") {
      m.map("shift", key, value, [&p](const std::string& v) { p.shift = real_number(v); });
    } else if (k == "class") {
      m.map("class", key, value, [&p](const std::string& v) { p.class_label = whole_number(v); });
    } else if (k == "model" || k == "model hash") {
      m.skip(key, value, kOpenModel);
    } else if (k == "denoising strength") {
      m.skip(key, value, "it was an image-to-image run; open its start image and set the strength");
    } else if (k == "size") {
      m.skip(key, value, "a model's size is fixed; the open model's is used");
    } else if (k == "version") {
      m.skip(key, value, "informative");
    } else {
      m.skip(key, value, "Emergence has no such setting");
    }
  }
  // After the sampler: "Schedule type" overrides the schedule a name like "DPM++ 2M Karras"
  // implies.
  if (!schedule_type.empty()) {
    m.map("schedule", "Schedule type", schedule_type,
          [&p](const std::string& v) { p.spacing = parse_spacing(v); });
  } else if (out.has("sampler") && parse_sampler_choice(p.sampler).schedule) {
    out.mapped.emplace_back("schedule", to_string(p.spacing));
  }
  return out;
}

ImportedParameters import_comfyui_prompt(const std::string& json_text) {
  ImportedParameters out;
  out.source = "ComfyUI";
  const nlohmann::json graph = parse_lenient_json(json_text, "the PNG's 'prompt' text");
  if (!graph.is_object()) {
    throw Error("the PNG's 'prompt' text is not a ComfyUI graph (a JSON object of nodes)");
  }
  const nlohmann::json* sampler = nullptr;
  std::string sampler_id;
  Mapper m(out);
  for (const auto& [id, node] : graph.items()) {
    if (!node.is_object() || !node.contains("class_type") || !node.at("class_type").is_string()) {
      continue;
    }
    const std::string type = node.at("class_type").get<std::string>();
    const bool is_sampler = type == "KSampler" || type == "KSamplerAdvanced";
    if (is_sampler && sampler == nullptr) {
      sampler = &node;
      sampler_id = id;
    } else if (is_sampler) {
      m.skip("node " + id + " (" + type + ")", "", "only the first sampler node is read");
    } else if (type == "CLIPTextEncode") {
      m.skip("node " + id + " (CLIPTextEncode)", "", kNoPrompt);
    } else if (type.find("CheckpointLoader") != std::string::npos) {
      m.skip("node " + id + " (" + type + ")", "", kOpenModel);
    }
  }
  if (sampler == nullptr || !sampler->contains("inputs") || !sampler->at("inputs").is_object()) {
    throw Error("the ComfyUI graph has no KSampler or KSamplerAdvanced node");
  }
  GenerationParams& p = out.params;
  for (const auto& [key, value] : sampler->at("inputs").items()) {
    const std::string label = "node " + sampler_id + " " + key;
    if (value.is_array()) {
      if (key != "model" && key != "positive" && key != "negative" && key != "latent_image") {
        m.skip(label, "",
               "it comes from another node; only values written on the sampler are read");
      }
      continue;
    }
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (key == "seed" || key == "noise_seed") {
      m.map("seed", label, text, [&p](const std::string& v) { p.seed = seed_number(v); });
    } else if (key == "steps") {
      m.map("steps", label, text, [&p](const std::string& v) {
        p.steps = static_cast<int>(std::clamp<int64_t>(whole_number(v), 1, 100000));
      });
    } else if (key == "cfg") {
      m.map("guidance", label, text,
            [&p](const std::string& v) { p.guidance_scale = real_number(v); });
    } else if (key == "sampler_name") {
      m.map("sampler", label, text, [&p](const std::string& v) { set_sampler(p, v); });
    } else if (key == "scheduler") {
      m.map("schedule", label, text, [&p](const std::string& v) { p.spacing = parse_spacing(v); });
    } else if (key == "denoise" && text != "1" && text != "1.0") {
      m.skip(label, text,
             "it was an image-to-image run; open its start image and set the strength");
    } else if (key != "denoise" && key != "add_noise" && key != "return_with_leftover_noise") {
      m.skip(label, text, "Emergence has no such setting");
    }
  }
  return out;
}

void apply_imported(const ImportedParameters& imported, GenerationParams& params) {
  const GenerationParams& read = imported.params;
  if (imported.has("sampler")) {
    params.sampler = read.sampler;
  }
  if (imported.has("steps")) {
    params.steps = read.steps;
  }
  if (imported.has("schedule")) {
    params.spacing = read.spacing;
  }
  if (imported.has("shift")) {
    params.shift = read.shift;
  }
  if (imported.has("seed")) {
    params.seed = read.seed;
  }
  if (imported.has("class")) {
    params.class_label = read.class_label;
  }
  if (imported.has("guidance")) {
    params.guidance_scale = read.guidance_scale;
  }
  if (imported.has("eta")) {
    params.eta = read.eta;
  }
  if (imported.has("variation seed")) {
    params.variation_seed = read.variation_seed;
  }
  if (imported.has("variation strength")) {
    params.variation_strength = read.variation_strength;
  }
}

ImportedParameters import_png_parameters(const std::map<std::string, std::string>& text) {
  if (const auto it = text.find("emergence"); it != text.end()) {
    ImportedParameters out;
    out.source = "Emergence";
    const nlohmann::json j = parse_lenient_json(it->second, "the PNG's 'emergence' text");
    try {
      out.params = generation_params_from_json(
          j.is_object() && j.contains("generation") ? j.at("generation") : j);
    } catch (const Error& e) {
      throw Error(std::string("the PNG's 'emergence' text: ") + e.what());
    }
    const GenerationParams& p = out.params;
    out.mapped = {{"sampler", p.sampler},
                  {"steps", std::to_string(p.steps)},
                  {"schedule", to_string(p.spacing)},
                  {"shift", json_excerpt(p.shift)},
                  {"seed", std::to_string(p.seed)},
                  {"class", std::to_string(p.class_label)},
                  {"guidance", json_excerpt(p.guidance_scale)},
                  {"eta", json_excerpt(p.eta)},
                  {"variation seed", std::to_string(p.variation_seed)},
                  {"variation strength", json_excerpt(p.variation_strength)}};
    if (p.parent) {
      out.mapped.emplace_back("branch", "of seed " + std::to_string(p.parent->seed) + " at step " +
                                            std::to_string(p.branch_step));
    }
    if (!p.init_image_hash.empty()) {
      out.unmapped.emplace_back("start image sha256 " + p.init_image_hash.substr(0, 12) + "…",
                                "open the start image itself; the PNG holds only its hash");
    }
    return out;
  }
  if (const auto it = text.find("parameters"); it != text.end()) {
    return import_a1111_parameters(it->second);
  }
  if (const auto it = text.find("prompt"); it != text.end()) {
    return import_comfyui_prompt(it->second);
  }
  throw Error(
      "the PNG has no generation settings (no 'emergence', 'parameters' or 'prompt' text chunk)");
}

}  // namespace emergence
