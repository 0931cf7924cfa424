#include "model_loading.h"

#include <filesystem>

#include "core/compute_device.h"
#include "core/error.h"
#include "core/model/unet_diffusion_model.h"
#include "stable_diffusion_checkpoint.h"
#include "stable_diffusion_folder.h"
#include "stable_diffusion_model.h"

namespace emergence {

namespace {

std::shared_ptr<DiffusionModel> load_on_cpu(const std::string& path, const LoadOptions& options) {
  std::error_code error;
  if (std::filesystem::is_regular_file(path, error)) {
    return load_stable_diffusion_checkpoint(path, options);
  }
  if (is_text_to_image_pipeline(path)) {
    std::optional<SchedulerConfig> scheduler = options.scheduler;
    if (options.prediction != PredictionChoice::Auto) {
      if (!scheduler) {
        scheduler = read_stable_diffusion_folder(path).scheduler;
      }
      scheduler->sampler.prediction = options.prediction == PredictionChoice::VPrediction
                                          ? PredictionType::VPrediction
                                          : PredictionType::Epsilon;
    }
    return load_stable_diffusion_model(path, scheduler);
  }
  if (options.prediction != PredictionChoice::Auto) {
    throw Error(path + " is a UNet2DModel folder; a prediction override applies to Stable " +
                "Diffusion models (set prediction_type in its scheduler config instead)");
  }
  return options.scheduler ? load_diffusion_model(path, *options.scheduler)
                           : load_diffusion_model(path);
}

}  // namespace

std::shared_ptr<DiffusionModel> open_model(const std::string& path, const LoadOptions& options) {
  // Checked before the load, which takes a minute for SD 1.5: no error after the wait.
  const c10::Device device = parse_compute_device(options.device);
  refuse_non_models(path);
  std::shared_ptr<DiffusionModel> model = load_on_cpu(path, options);
  move_model_to_device(*model, device);
  return model;
}

std::shared_ptr<DiffusionModel> open_model(const std::string& path,
                                           const std::optional<SchedulerConfig>& scheduler) {
  LoadOptions options;
  options.scheduler = scheduler;
  return open_model(path, options);
}

}  // namespace emergence
