#include "model_samples.h"

#include "core/error.h"
#include "core/generation.h"

namespace emergence {

torch::Tensor draw_samples(DiffusionModel& model, const std::vector<SampleRequest>& requests,
                           const SamplingSettings& settings) {
  if (requests.empty()) {
    throw Error("no samples requested");
  }
  const ModelInfo& info = model.info();
  std::vector<torch::Tensor> images;
  for (const SampleRequest& r : requests) {
    GenerationRequest request;
    GenerationParams& p = request.params;
    p.model_path = info.path;
    p.model_name = info.name;
    p.model_hash = info.hash;
    p.sampler = info.scheduler.sampler.name;
    p.spacing = info.scheduler.sampler.selection.spacing;
    p.steps = settings.steps;
    p.seed = r.seed;
    p.class_label = r.class_label;
    p.guidance_scale = settings.guidance_scale;
    const SamplingResult result = generate(model, request);
    images.push_back(result.latent.reshape({info.channels, info.height, info.width}));
  }
  return torch::stack(images).clamp(-1.0, 1.0);
}

}  // namespace emergence
