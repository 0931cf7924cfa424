#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/diffusion_model.h"
#include "core/scheduler_config.h"
#include "unet2d_model.h"

namespace emergence {

// A UNet2DModel behind the DiffusionModel interface: timestep and class in, raw output out, with
// classifier-free guidance (Ho & Salimans 2022, eq. 6) when the model was trained with a null
// class.
class UNetDiffusionModel : public DiffusionModel {
 public:
  // `null_class`: index of the "no class" embedding, when the model has one.
  UNetDiffusionModel(UNet2DModel unet, ModelInfo info, std::optional<int64_t> null_class);

  const ModelInfo& info() const override { return info_; }
  torch::Tensor denoise(const torch::Tensor& model_input, double timestep,
                        const Conditioning& conditioning) override;
  UNet2DModel& unet() { return unet_; }

 private:
  UNet2DModel unet_;
  ModelInfo info_;
  std::optional<int64_t> null_class_;
  bool class_conditional_ = false;
};

// Loads a bare UNet folder or a pipeline folder (see model_folder.h). The scheduler defaults come
// from the folder's scheduler_config.json, or diffusers' DDIMScheduler defaults without one.
std::shared_ptr<DiffusionModel> load_diffusion_model(const std::string& folder);
// The same with the training schedule and sampler defaults given explicitly.
std::shared_ptr<DiffusionModel> load_diffusion_model(const std::string& folder,
                                                     const SchedulerConfig& scheduler);

}  // namespace emergence
