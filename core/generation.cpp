#include "generation.h"

#include <algorithm>
#include <deque>
#include <sstream>
#include <tuple>

#include "branching.h"
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

std::vector<int64_t> latent_shape(const ModelInfo& model, const GenerationParams& p) {
  const int scale = model.latent_scale;
  const int64_t h = model.any_size && p.height > 0 ? p.height / scale : model.height;
  const int64_t w = model.any_size && p.width > 0 ? p.width / scale : model.width;
  return {1, model.channels, h, w};
}

namespace {

// Image size in pixels: 64…2048 in multiples of the latent scale, or the model's own size.
void validate_size(const ModelInfo& info, const GenerationParams& p) {
  const int scale = info.latent_scale;
  for (const auto& [name, value, own] : {std::tuple{"width", p.width, info.width * scale},
                                         std::tuple{"height", p.height, info.height * scale}}) {
    if (value == 0) {
      continue;
    }
    std::ostringstream m;
    if (!info.any_size && value != own) {
      m << name << " " << value << " was asked for, but model '" << info.name << "' makes "
        << info.width * scale << "×" << info.height * scale << " images only";
      throw Error(m.str());
    }
    if (value < 64 || value > 2048 || value % scale != 0) {
      m << name << " must be a multiple of " << scale << " in [64, 2048] (got " << value << ")";
      throw Error(m.str());
    }
  }
}

void validate_text(const ModelInfo& info, const GenerationParams& p) {
  if (!info.takes_prompt) {
    if (!p.prompt.empty() || !p.negative_prompt.empty()) {
      throw Error("model '" + info.name + "' takes no prompt (it has no text encoder)");
    }
    if (p.clip_skip != 0) {
      throw Error("clip skip applies to text encoders, and model '" + info.name + "' has none");
    }
    return;
  }
  if (p.clip_skip < 0 || p.clip_skip > info.max_clip_skip) {
    throw Error("clip skip must be in [0, " + std::to_string(info.max_clip_skip) + "] for model '" +
                info.name + "' (got " + std::to_string(p.clip_skip) + ")");
  }
  if (p.class_label >= 0) {
    throw Error("model '" + info.name + "' is steered by a prompt, not a class");
  }
  if (!p.init_image_hash.empty() && info.latent_scale > 1) {
    throw Error("image to image with a latent model ('" + info.name +
                "') needs the VAE encoder, which Emergence does not run yet");
  }
}

// The checks of one set of parameters, without its parents.
void validate_link(const ModelInfo& info, const GenerationParams& p) {
  validate_text(info, p);
  validate_size(info, p);
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
  if (!(p.variation_strength >= 0.0 && p.variation_strength <= 1.0)) {
    std::ostringstream m;
    m << "variation strength must be in [0, 1] (got " << p.variation_strength << ")";
    throw Error(m.str());
  }
  if (!p.mask.empty()) {
    if (p.init_image_hash.empty()) {
      throw Error("a mask needs a start image: inpainting keeps the unmasked part of one");
    }
    mask_from_hex(p.mask, info.height, info.width);
  }
}

// From frame at_frame on, the run follows params (a branch that keeps its parent's sampler).
struct Switch {
  int at_frame = 0;
  const GenerationParams* params = nullptr;
};

Conditioning conditioning_of(const GenerationParams& p) {
  Conditioning c;
  c.class_label = p.class_label;
  c.guidance_scale = p.guidance_scale;
  c.prompt = p.prompt;
  c.negative_prompt = p.negative_prompt;
  c.clip_skip = p.clip_skip;
  return c;
}

// Step noise of a seed that does not also make the initial latent: its generator past the draw
// that would have (so a branch's noise is the seed's own step noise, as in a run from it).
void skip_initial_draw(SeededNoise& noise, const torch::Tensor& initial) {
  noise.draw(initial.sizes());
}

// Hands frames on with the total of the run asked for, and keeps the latent of one frame.
class FrameRelay : public SamplingObserver {
 public:
  FrameRelay(SamplingObserver* next, int total, int keep)
      : next_(next), total_(total), keep_(keep) {}

  void on_frame(const StepFrame& frame) override {
    if (frame.index == keep_) {
      kept_ = frame.x_t;
    }
    if (next_ != nullptr) {
      StepFrame relayed = frame;
      relayed.total = total_;
      next_->on_frame(relayed);
    }
  }
  const torch::Tensor& kept() const { return kept_; }

 private:
  SamplingObserver* next_;
  int total_;
  int keep_;
  torch::Tensor kept_;
};

class Generation {
 public:
  Generation(DiffusionModel& model, const GenerationRequest& request)
      : model_(model), request_(request), info_(model.info()) {}

  // Runs p up to last_frame (< 0: to the end), the later switches applied on top.
  SamplingResult run(const GenerationParams& p, std::vector<Switch> later,
                     SamplingObserver* observer, int last_frame) {
    if (p.parent && same_sampler_settings(*p.parent, p)) {
      later.insert(later.begin(), Switch{p.branch_step, &p});
      return run(*p.parent, std::move(later), observer, last_frame);
    }
    const RunShape shape = shape_of_run(info_, p);
    const GenerationParams& root = root_of(p);
    SeededNoise root_noise(root.seed);
    const torch::Tensor seeded = root_noise.draw(latent_shape(info_, root));
    SamplingRequest sampling;
    sampling.initial_noise = request_.initial_noise.defined() ? request_.initial_noise
                             : root.variation_strength > 0    ? initial_noise_for(info_, root)
                                                              : seeded;
    if (sampling.initial_noise.dim() != 4 || sampling.initial_noise.size(1) != info_.channels) {
      throw Error("initial noise must be [1, " + std::to_string(info_.channels) + ", H, W]");
    }
    add_guide(root, sampling);
    SeededNoise own_noise(p.seed);
    sampling.noise = &root_noise;
    if (p.parent) {
      torch::Tensor start = &p == &request_.params ? request_.branch_latent : torch::Tensor();
      if (!start.defined()) {
        FrameRelay relay(observer, observer_total_, p.branch_step);
        const SamplingResult replay = run(*p.parent, {}, &relay, p.branch_step);
        if (replay.outcome == SamplingOutcome::Cancelled) {
          return replay;
        }
        start = relay.kept();
      }
      sampling.start.call = shape.first_call;
      sampling.start.frame = p.branch_step;
      sampling.start.latent = start;
      skip_initial_draw(own_noise, seeded);
      sampling.noise = &own_noise;
    }
    uint64_t seed_in_use = p.seed;
    std::deque<SeededNoise> switch_noise;
    for (const Switch& s : later) {
      Continuation c;
      c.at_frame = s.at_frame;
      c.conditioning = conditioning_of(*s.params);
      if (s.params->seed != seed_in_use) {
        seed_in_use = s.params->seed;
        skip_initial_draw(switch_noise.emplace_back(seed_in_use), seeded);
        c.noise = &switch_noise.back();
      }
      sampling.continuations.push_back(c);
    }
    sampling.conditioning = conditioning_of(p);
    sampling.observer = observer;
    sampling.cancel = request_.cancel;
    sampling.threads = request_.threads;
    sampling.last_frame = last_frame;
    DenoiseFn denoise = [this](const torch::Tensor& x, double t, const Conditioning& c) {
      return model_.denoise(x, t, c);
    };
    SamplingResult result = run_sampling(*shape.sampler, denoise, sampling);
    result.calls_done += shape.first_frame;
    return result;
  }

  // The whole requested run, its frames numbered to the requested run's total.
  SamplingResult run_requested() {
    const GenerationParams& p = request_.params;
    observer_total_ = shape_of_run(info_, p).total_frames;
    FrameRelay relay(request_.observer, observer_total_, -1);
    return run(p, {}, request_.observer != nullptr ? &relay : nullptr, -1);
  }

 private:
  void add_guide(const GenerationParams& root, SamplingRequest& run) const {
    if (root.init_image_hash.empty()) {
      if (request_.init_image.defined()) {
        throw Error("a start image was given but the parameters record none (use set_start_image)");
      }
      return;
    }
    if (!request_.init_image.defined()) {
      throw Error("these parameters start from an image (sha256 " +
                  root.init_image_hash.substr(0, 12) +
                  "…) that was not given: pass it with --init-image");
    }
    const std::string given = image_levels_hash(request_.init_image);
    if (given != root.init_image_hash) {
      throw Error("the start image is not the one these parameters were made with (sha256 " +
                  given.substr(0, 12) + "…, not " + root.init_image_hash.substr(0, 12) + "…)");
    }
    run.guide.image = request_.init_image;
    run.guide.strength = root.strength;
    if (!root.mask.empty()) {
      run.guide.mask = mask_from_hex(root.mask, info_.height, info_.width);
    }
  }

  DiffusionModel& model_;
  const GenerationRequest& request_;
  const ModelInfo& info_;
  int observer_total_ = 0;
};

}  // namespace

double default_guidance_scale(const ModelInfo& model) { return model.takes_prompt ? 7.5 : 1.0; }

void validate_generation(const ModelInfo& info, const GenerationParams& params) {
  for (const GenerationParams* p = &params; p != nullptr; p = p->parent.get()) {
    try {
      validate_link(info, *p);
    } catch (const Error& e) {
      if (p == &params) {
        throw;
      }
      throw Error(std::string("the run this branches from: ") + e.what());
    }
  }
  shape_of_run(info, params);
}

int model_calls_of_run(const ModelInfo& model, const GenerationParams& params) {
  return shape_of_run(model, params).total_frames;
}

torch::Tensor initial_noise_for(const ModelInfo& model, const GenerationParams& params) {
  const std::vector<int64_t> shape = latent_shape(model, params);
  const torch::Tensor noise = SeededNoise(params.seed).draw(shape);
  if (params.variation_strength <= 0) {
    return noise;
  }
  return slerp(params.variation_strength, noise, SeededNoise(params.variation_seed).draw(shape));
}

std::vector<GenerationParams> variations_of(const GenerationParams& run, int count,
                                            uint64_t first_seed, double strength) {
  std::vector<GenerationParams> grid;
  for (int i = 0; i < count; ++i) {
    GenerationParams p = run;
    p.variation_seed = first_seed + static_cast<uint64_t>(i);
    p.variation_strength = strength;
    grid.push_back(p);
  }
  return grid;
}

void set_start_image(GenerationRequest& request, const torch::Tensor& image) {
  request.init_image = image;
  request.params.init_image_hash = image_levels_hash(image);
}

SamplingResult generate(DiffusionModel& model, const GenerationRequest& request) {
  validate_generation(model.info(), request.params);
  return Generation(model, request).run_requested();
}

}  // namespace emergence
