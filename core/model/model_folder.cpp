#include "model_folder.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "core/file_sink.h"
#include "core/json_file.h"
#include "core/staged_output.h"
#include "module_weights.h"
#include "safetensors.h"
#include "sha256.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWeightsFile = "diffusion_pytorch_model.safetensors";

bool is_file(const fs::path& p) {
  std::error_code ignored;
  return fs::is_regular_file(p, ignored);
}

void read_emergence_json(const fs::path& path, ModelFolder& folder) {
  const nlohmann::json j = read_json_file(path.string());
  if (!j.is_object()) {
    throw Error(path.string() + " must hold a JSON object");
  }
  if (j.contains("class_names") && !j["class_names"].is_null()) {
    folder.class_names = json_string_list(j["class_names"], path.string() + ": class_names");
  }
  if (j.contains("null_class") && !j["null_class"].is_null()) {
    if (!j["null_class"].is_boolean()) {
      throw Error(path.string() + ": null_class must be true or false");
    }
    folder.null_class = j["null_class"].get<bool>();
  }
  if (j.contains("class_groups") && !j["class_groups"].is_null()) {
    folder.class_groups = json_string_list(j["class_groups"], path.string() + ": class_groups");
    if (folder.class_groups.size() != folder.class_names.size()) {
      throw Error(path.string() + ": class_groups lists " +
                  std::to_string(folder.class_groups.size()) + " groups for " +
                  std::to_string(folder.class_names.size()) + " class names");
    }
  }
  if (j.contains("training_data") && !j["training_data"].is_null()) {
    if (!j["training_data"].is_string()) {
      throw Error(path.string() + ": training_data must be a folder name");
    }
    folder.training_data = j["training_data"].get<std::string>();
  }
}

nlohmann::json emergence_json(const ModelLabels& labels) {
  nlohmann::json j = {{"class_names", labels.class_names}, {"null_class", labels.null_class}};
  if (!labels.class_groups.empty()) {
    j["class_groups"] = labels.class_groups;
  }
  if (!labels.training_data.empty()) {
    j["training_data"] = labels.training_data;
  }
  return j;
}

}  // namespace

ModelFolder read_model_folder(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ignored;
  if (!fs::is_directory(root, ignored)) {
    throw Error("model folder " + dir + " does not exist");
  }
  recover_folder(dir);  // a save_model_folder that a crash cut short: finish or drop it
  ModelFolder folder;
  folder.path = dir;
  fs::path unet_dir = root;
  if (is_file(root / "model_index.json") || is_file(root / "unet" / "config.json")) {
    unet_dir = root / "unet";
    const fs::path scheduler = root / "scheduler" / "scheduler_config.json";
    if (is_file(scheduler)) {
      folder.scheduler = read_scheduler_config(scheduler.string());
      folder.files.push_back("scheduler/scheduler_config.json");
    }
    if (is_file(root / "emergence.json")) {
      read_emergence_json(root / "emergence.json", folder);
      folder.files.push_back("emergence.json");
    }
  }
  const fs::path config_path = unet_dir / "config.json";
  if (!is_file(config_path)) {
    throw Error(dir + " is not a model folder: expected config.json and " + kWeightsFile +
                ", or a diffusers pipeline (model_index.json, unet/, scheduler/)");
  }
  try {
    folder.config = unet2d_config_from_json(read_json_file(config_path.string()));
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.find(config_path.string()) == std::string::npos
                    ? config_path.string() + ": " + what
                    : what);
  }
  const fs::path weights = unet_dir / kWeightsFile;
  if (!is_file(weights)) {
    if (is_file(unet_dir / "diffusion_pytorch_model.bin")) {
      throw Error(unet_dir.string() + " holds only PyTorch .bin weights; convert them to " +
                  kWeightsFile);
    }
    throw Error("missing weights file " + weights.string());
  }
  folder.weights_path = weights.string();
  const fs::path unet_part = unet_dir.lexically_relative(root);
  for (const char* name : {"config.json", kWeightsFile}) {
    folder.files.push_back((unet_part / name).lexically_normal().generic_string());
  }
  std::sort(folder.files.begin(), folder.files.end());
  return folder;
}

std::string model_hash(const ModelFolder& folder) {
  Sha256 hash;
  for (const std::string& name : folder.files) {
    const fs::path file = fs::path(folder.path) / name;
    std::error_code error;
    const uintmax_t size = fs::file_size(file, error);
    if (error) {
      throw Error("cannot read " + file.string() + " to hash it: " + error.message());
    }
    const std::string prefix = name + '\0' + std::to_string(size) + '\0';
    hash.update(prefix.data(), prefix.size());
    hash_file(hash, file.string());
  }
  return hash.hex_digest().substr(0, 12);
}

std::map<std::string, torch::Tensor> state_dict(UNet2DModel& model) { return module_state(*model); }

void load_weights(UNet2DModel& model, const std::map<std::string, torch::Tensor>& tensors,
                  const std::string& origin) {
  std::map<std::string, torch::Tensor> renamed;
  for (const auto& [name, tensor] : tensors) {
    std::string target = modern_attention_name(name);
    // Early GaussianFourierProjection checkpoints store the frequencies twice, as W and weight.
    if (target == "time_proj.W") {
      if (tensors.count("time_proj.weight")) {
        continue;
      }
      target = "time_proj.weight";
    }
    if (!renamed.emplace(target, tensor).second) {
      throw Error(origin + ": tensor '" + target + "' appears twice (old and new name)");
    }
  }
  copy_module_weights(*model, renamed, origin, "the model's config.json");
}

UNet2DModel load_unet(const ModelFolder& folder) {
  UNet2DModel model(folder.config);
  load_weights(model, read_safetensors(folder.weights_path), folder.weights_path);
  model->eval();
  return model;
}

void save_model_folder(const std::string& dir, const UNet2DConfig& config, UNet2DModel& model,
                       const nlohmann::json& scheduler_config, const ModelLabels& labels) {
  std::string scheduler_class = "DDPMScheduler";
  if (scheduler_config.is_object() && scheduler_config.contains("_class_name") &&
      scheduler_config["_class_name"].is_string()) {
    scheduler_class = scheduler_config["_class_name"].get<std::string>();
  }
  const nlohmann::json index = {
      {"_class_name", "DDPMPipeline"},
      {"_diffusers_version", "0.35.2"},
      {"scheduler", nlohmann::json::array({"diffusers", scheduler_class})},
      {"unet", nlohmann::json::array({"diffusers", "UNet2DModel"})}};
  const auto text = [](const nlohmann::json& j) {
    const std::string dumped = j.dump(2) + "\n";
    return std::vector<uint8_t>(dumped.begin(), dumped.end());
  };
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> files = {
      {std::string("unet/") + kWeightsFile,
       encode_safetensors(state_dict(model), {{"format", "pt"}})},
      {"unet/config.json", text(to_json(config))},
      {"scheduler/scheduler_config.json", text(scheduler_config)},
      {"emergence.json", text(emergence_json(labels))},
      {"model_index.json", text(index)}};
  std::vector<std::string> names;
  for (const auto& file : files) {
    names.push_back(file.first);
  }
  DiskFileSink disk;
  StagedOutput output(dir, names, true, disk);
  for (const auto& [name, bytes] : files) {
    output.write(name, bytes);
  }
  output.commit();
}

}  // namespace emergence
