#include "generation.h"

#include <algorithm>
#include <sstream>

#include "error.h"
#include "image_guide.h"

namespace emergence {

SamplerSettings sampler_settings_for(const ModelInfo& model, const GenerationParams& p) {
  SamplerSettings s = model.scheduler.sampler;
  s.name = p.sampler;
  s.steps = p.steps;
  s.selection.spacing = p.spacing;
  s.selection.shift = p.shift;
  s.selection.karras_rho = p.karras_rho;
  s.eta = p.eta;
  s.use_clipped_model_output = !p.diffusers_exact;
  s.heun_extrapolate = p.diffusers_exact;
  s.dpm2_extrapolate = p.diffusers_exact;
  s.dpmpp_3m_diffusers_d2 = p.diffusers_exact;
  s.ddim_next_listed = !p.diffusers_exact;
  if (p.spacing != Spacing::Leading) {
    s.selection.steps_offset = 0;
  }
  return s;
}

torch::Tensor initial_noise_for(const ModelInfo& model, uint64_t seed) {
  SeededNoise noise(seed);
  return noise.draw({1, model.channels, model.height, model.width});
}

void validate_generation(const ModelInfo& info, const GenerationParams& p) {
  if (p.class_label >= 0 && p.class_label >= static_cast<int64_t>(info.class_names.size())) {
    std::ostringstream m;
    if (info.class_names.empty()) {
      m << "class " << p.class_label << " was asked for, but model '" << info.name
        << "' has no classes";
    } else {
      m << "class must be in [0, " << info.class_names.size() - 1 << "] for model '" << info.name
        << "' (got " << p.class_label << ")";
    }
    throw Error(m.str());
  }
  if (!(p.guidance_scale >= 0.0 && p.guidance_scale <= 30.0)) {
    std::ostringstream m;
    m << "guidance scale must be in [0, 30] (got " << p.guidance_scale << ")";
    throw Error(m.str());
  }
  const std::vector<std::string> names = sampler_names();
  if (std::find(names.begin(), names.end(), p.sampler) == names.end()) {
    std::string known;
    for (const std::string& name : names) {
      known += (known.empty() ? "" : ", ") + name;
    }
    throw Error("unknown sampler '" + p.sampler + "' (known: " + known + ")");
  }
  validate_settings(sampler_settings_for(info, p), info.scheduler.training.num_train_timesteps);
  validate_strength(p.strength);
  if (!p.mask.empty()) {
    if (p.init_image_hash.empty()) {
      throw Error("a mask needs a start image: inpainting keeps the unmasked part of one");
    }
    mask_from_hex(p.mask, info.height, info.width);
  }
}

int model_calls_of_run(const ModelInfo& model, const GenerationParams& params) {
  const NoiseSchedule schedule(model.scheduler.training);
  const auto sampler = make_sampler(schedule, sampler_settings_for(model, params));
  const int first =
      params.init_image_hash.empty() ? 0 : first_call_for_strength(*sampler, params.strength);
  return sampler->num_calls() - first;
}

void set_start_image(GenerationRequest& request, const torch::Tensor& image) {
  request.init_image = image;
  request.params.init_image_hash = image_levels_hash(image);
}

SamplingResult generate(DiffusionModel& model, const GenerationRequest& request) {
  const ModelInfo& info = model.info();
  const GenerationParams& p = request.params;
  validate_generation(info, p);
  NoiseSchedule schedule(info.scheduler.training);
  auto sampler = make_sampler(schedule, sampler_settings_for(info, p));

  SeededNoise noise(p.seed);
  torch::Tensor seeded = noise.draw({1, info.channels, info.height, info.width});
  SamplingRequest run;
  run.initial_noise = request.initial_noise.defined() ? request.initial_noise : seeded;
  if (run.initial_noise.dim() != 4 || run.initial_noise.size(1) != info.channels) {
    throw Error("initial noise must be [1, " + std::to_string(info.channels) + ", H, W]");
  }
  if (!p.init_image_hash.empty()) {
    if (!request.init_image.defined()) {
      throw Error("these parameters start from an image (sha256 " +
                  p.init_image_hash.substr(0, 12) +
                  "…) that was not given: pass it with --init-image");
    }
    const std::string given = image_levels_hash(request.init_image);
    if (given != p.init_image_hash) {
      throw Error("the start image is not the one these parameters were made with (sha256 " +
                  given.substr(0, 12) + "…, not " + p.init_image_hash.substr(0, 12) + "…)");
    }
    run.guide.image = request.init_image;
    run.guide.strength = p.strength;
    if (!p.mask.empty()) {
      run.guide.mask = mask_from_hex(p.mask, info.height, info.width);
    }
  } else if (request.init_image.defined()) {
    throw Error("a start image was given but the parameters record none (use set_start_image)");
  }
  run.conditioning.class_label = p.class_label;
  run.conditioning.guidance_scale = p.guidance_scale;
  run.noise = &noise;
  run.observer = request.observer;
  run.cancel = request.cancel;
  run.threads = request.threads;
  DenoiseFn denoise = [&model](const torch::Tensor& x, double t, const Conditioning& c) {
    return model.denoise(x, t, c);
  };
  return run_sampling(*sampler, denoise, run);
}

}  // namespace emergence
