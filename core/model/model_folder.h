#pragma once

#include <torch/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/scheduler_config.h"
#include "unet2d_config.h"
#include "unet2d_model.h"

namespace emergence {

// What a model folder holds. Either a bare UNet folder (config.json and
// diffusion_pytorch_model.safetensors) or a diffusers pipeline folder (model_index.json, unet/,
// scheduler/scheduler_config.json, and our optional emergence.json).
struct ModelFolder {
  std::string path;          // the folder as given
  std::string weights_path;  // the .safetensors file
  UNet2DConfig config;
  std::optional<SchedulerConfig> scheduler;  // from scheduler/scheduler_config.json
  std::vector<std::string> class_names;      // from emergence.json; empty when absent
  // emergence.json "class_groups": the heading each class sits under (the emoji model's Unicode
  // group of each subgroup); empty, or as long as class_names.
  std::vector<std::string> class_groups;
  bool null_class = false;    // emergence.json "null_class": the last class embedding is "no class"
  std::string training_data;  // emergence.json "training_data": the folder it was trained on
  // Every file the model is built from (weights and configs), relative to path, sorted.
  std::vector<std::string> files;
};

// Reads the folder's configs (not the weights), first finishing a save_model_folder that a crash
// cut short (recover_folder); errors name the file at fault.
ModelFolder read_model_folder(const std::string& dir);
// The first 12 hex digits of a SHA-256 over folder.files, each as its relative name, a NUL, its
// byte count in decimal, a NUL and its bytes: it changes with the weights and with any config
// that changes the images (architecture, training schedule, classes), not with where it lies.
std::string model_hash(const ModelFolder& folder);
// Builds the UNet of a folder and loads its weights.
UNet2DModel load_unet(const ModelFolder& folder);

// Copies a state dict into the model by diffusers name. Legacy attention names (query, key, value,
// proj_attn) are accepted. Missing or unexpected tensors are an Error listing their names; a shape
// mismatch names the tensor and both shapes. `origin` (a file name) starts every message.
void load_weights(UNet2DModel& model, const std::map<std::string, torch::Tensor>& tensors,
                  const std::string& origin);
// The model's tensors under their diffusers state-dict names.
std::map<std::string, torch::Tensor> state_dict(UNet2DModel& model);

// What emergence.json says about a model's classes and data.
struct ModelLabels {
  std::vector<std::string> class_names;
  std::vector<std::string> class_groups;  // empty or one per class
  bool null_class = false;
  std::string training_data;  // empty: not recorded
};

// Writes the pipeline layout: model_index.json, unet/config.json,
// unet/diffusion_pytorch_model.safetensors, scheduler/scheduler_config.json and emergence.json
// (the labels: {"class_names": [...], "null_class": bool, ...}), all five replaced together
// (StagedOutput: a crash leaves the old folder or, after the next read_model_folder, the new one).
// Other files in the folder stay as they are.
void save_model_folder(const std::string& dir, const UNet2DConfig& config, UNet2DModel& model,
                       const nlohmann::json& scheduler_config, const ModelLabels& labels);

}  // namespace emergence
