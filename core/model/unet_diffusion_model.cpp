#include "unet_diffusion_model.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>

#include "core/error.h"
#include "model_folder.h"

namespace emergence {
namespace {

std::string folder_name(const std::string& folder) {
  std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
  if (p.filename().empty()) {
    p = p.parent_path();
  }
  return p.filename().string();
}

// The class names the app shows: emergence.json's, or "class k" for a bare class table.
std::vector<std::string> class_names_for(const ModelFolder& folder) {
  const UNet2DConfig& c = folder.config;
  const bool table = !c.class_embed_type && c.num_class_embeds;
  if (folder.null_class && !table) {
    throw Error(folder.path + ": emergence.json sets null_class, but the model has no class table");
  }
  if (c.class_embed_type) {
    throw Error(folder.path + ": class_embed_type '" + *c.class_embed_type +
                "' cannot be driven by class labels; only a class table (num_class_embeds) can");
  }
  if (!table) {
    if (!folder.class_names.empty()) {
      throw Error(folder.path + ": emergence.json lists class names, but the model has no classes");
    }
    return {};
  }
  const int usable = *c.num_class_embeds - (folder.null_class ? 1 : 0);
  if (folder.class_names.empty()) {
    std::vector<std::string> names;
    for (int k = 0; k < usable; ++k) {
      names.push_back("class " + std::to_string(k));
    }
    return names;
  }
  if (static_cast<int>(folder.class_names.size()) != usable) {
    throw Error(folder.path + ": emergence.json lists " +
                std::to_string(folder.class_names.size()) + " class names, but the model has " +
                std::to_string(usable) + " classes" +
                (folder.null_class ? " (plus the null class)" : ""));
  }
  return folder.class_names;
}

std::shared_ptr<DiffusionModel> load(const std::string& path,
                                     const std::optional<SchedulerConfig>& override_scheduler) {
  const ModelFolder folder = read_model_folder(path);
  ModelInfo info;
  info.name = folder_name(path);
  info.path = path;
  info.channels = folder.config.in_channels;
  info.height = folder.config.sample_size;
  info.width = folder.config.sample_size;
  info.class_names = class_names_for(folder);
  info.class_groups = folder.class_groups;
  info.training_data = folder.training_data;
  if (override_scheduler) {
    info.scheduler = *override_scheduler;
  } else if (folder.scheduler) {
    info.scheduler = *folder.scheduler;
  } else {
    info.scheduler = scheduler_config_from_json(nlohmann::json::object());
  }
  if (folder.config.in_channels != folder.config.out_channels) {
    throw Error(path + ": in_channels and out_channels differ; a denoiser needs them equal");
  }
  info.hash = model_hash(folder);
  UNet2DModel unet = load_unet(folder);
  std::optional<int64_t> null_class;
  if (folder.null_class) {
    null_class = *folder.config.num_class_embeds - 1;
  }
  return std::make_shared<UNetDiffusionModel>(unet, std::move(info), null_class);
}

}  // namespace

UNetDiffusionModel::UNetDiffusionModel(UNet2DModel unet, ModelInfo info,
                                       std::optional<int64_t> null_class)
    : unet_(std::move(unet)), info_(std::move(info)), null_class_(null_class) {
  unet_->eval();
  class_conditional_ = unet_->config().num_class_embeds && !unet_->config().class_embed_type;
}

torch::Tensor UNetDiffusionModel::denoise(const torch::Tensor& x, double timestep,
                                          const Conditioning& conditioning) {
  c10::InferenceMode inference;
  const int64_t batch = x.size(0);
  const auto float_options = x.options().dtype(torch::kFloat32);
  const auto label_options = x.options().dtype(torch::kInt64);
  const torch::Tensor timesteps = at::full({batch}, timestep, float_options);
  if (!class_conditional_) {
    return unet_->forward(x, timesteps);
  }
  int64_t label = conditioning.class_label;
  if (label < 0) {
    if (!null_class_) {
      throw Error("model '" + info_.name + "' is class-conditional: choose a class");
    }
    label = *null_class_;
  }
  const bool guided =
      null_class_ && conditioning.class_label >= 0 && conditioning.guidance_scale != 1.0;
  if (!guided) {
    return unet_->forward(x, timesteps, at::full({batch}, label, label_options));
  }
  // Unconditional and conditional predictions in one batch of two, then
  // ε = ε_uncond + s·(ε_cond − ε_uncond) (Ho & Salimans 2022, eq. 6).
  const torch::Tensor labels = at::cat(
      {at::full({batch}, *null_class_, label_options), at::full({batch}, label, label_options)});
  const torch::Tensor both =
      unet_->forward(at::cat({x, x}), at::cat({timesteps, timesteps}), labels);
  const torch::Tensor uncond = both.narrow(0, 0, batch);
  const torch::Tensor cond = both.narrow(0, batch, batch);
  return uncond + conditioning.guidance_scale * (cond - uncond);
}

std::shared_ptr<DiffusionModel> load_diffusion_model(const std::string& folder) {
  return load(folder, std::nullopt);
}

std::shared_ptr<DiffusionModel> load_diffusion_model(const std::string& folder,
                                                     const SchedulerConfig& scheduler) {
  return load(folder, scheduler);
}

}  // namespace emergence
