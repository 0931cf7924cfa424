#include "model_loading.h"

#include "core/model/unet_diffusion_model.h"
#include "stable_diffusion_folder.h"
#include "stable_diffusion_model.h"

namespace emergence {

std::shared_ptr<DiffusionModel> open_model(const std::string& dir,
                                           const std::optional<SchedulerConfig>& scheduler) {
  refuse_non_models(dir);
  if (is_text_to_image_pipeline(dir)) {
    return load_stable_diffusion_model(dir, scheduler);
  }
  return scheduler ? load_diffusion_model(dir, *scheduler) : load_diffusion_model(dir);
}

}  // namespace emergence
