#include "branching.h"

#include <cmath>
#include <limits>

#include "error.h"
#include "generation.h"
#include "image_guide.h"
#include "noise_schedule.h"

namespace emergence {
namespace {

// The run a chain starts from fixes these: a branch changes how the run goes on, not where it
// began.
void check_same_start(const GenerationParams& branch, const GenerationParams& parent) {
  const auto refuse = [](const char* what) {
    throw Error(std::string("a branch keeps its parent's ") + what +
                "; change it on the parent instead");
  };
  if (!branch.model_hash.empty() && !parent.model_hash.empty() &&
      branch.model_hash != parent.model_hash) {
    refuse("model");
  }
  if (branch.init_image_hash != parent.init_image_hash || branch.mask != parent.mask) {
    refuse("start image and mask");
  }
  if (!branch.init_image_hash.empty() && branch.strength != parent.strength) {
    refuse("strength");
  }
  if (branch.variation_seed != parent.variation_seed ||
      branch.variation_strength != parent.variation_strength) {
    refuse("variation seed");
  }
}

// log σ distance, so that σ 0.1 is as far from 0.2 as 10 is from 20.
double log_distance(double a, double b) {
  constexpr double kTiny = 1e-12;
  return std::abs(std::log(a + kTiny) - std::log(b + kTiny));
}

}  // namespace

bool same_sampler_settings(const GenerationParams& a, const GenerationParams& b) {
  return a.sampler == b.sampler && a.steps == b.steps && a.spacing == b.spacing &&
         a.shift == b.shift && a.karras_rho == b.karras_rho && a.eta == b.eta &&
         a.diffusers_exact == b.diffusers_exact;
}

GenerationParams branch_of(const GenerationParams& parent, int step) {
  GenerationParams branch = parent;
  branch.parent = std::make_shared<const GenerationParams>(parent);
  branch.branch_step = step;
  return branch;
}

const GenerationParams& root_of(const GenerationParams& params) {
  const GenerationParams* p = &params;
  while (p->parent) {
    p = p->parent.get();
  }
  return *p;
}

double RunShape::sigma_at(int frame) const {
  return sampler->state_sigmas()[first_call + frame - first_frame];
}

bool RunShape::at_step_boundary(int frame) const {
  return (first_call + frame - first_frame) % sampler->calls_per_step() == 0;
}

RunShape shape_of_run(const ModelInfo& model, const GenerationParams& params) {
  const NoiseSchedule schedule(model.scheduler.training);
  RunShape shape;
  shape.sampler = make_sampler(schedule, sampler_settings_for(model, params));
  const int calls = shape.sampler->num_calls();
  if (!params.parent) {
    shape.first_call = params.init_image_hash.empty()
                           ? 0
                           : first_call_for_strength(*shape.sampler, params.strength);
    shape.total_frames = calls - shape.first_call;
    return shape;
  }
  const GenerationParams& parent = *params.parent;
  check_same_start(params, parent);
  const RunShape from = shape_of_run(model, parent);
  const int k = params.branch_step;
  if (k < from.first_frame || k >= from.total_frames) {
    throw Error("a branch must start at a step in [" + std::to_string(from.first_frame) + ", " +
                std::to_string(from.total_frames - 1) + "] of its parent's " +
                std::to_string(from.total_frames) + " (got " + std::to_string(k) + ")" +
                (k < from.first_frame ? "; earlier steps belong to the run it branched from" : ""));
  }
  if (!from.at_step_boundary(k)) {
    throw Error("step " + std::to_string(k) + " falls between the two model calls of one " +
                parent.sampler + " step; branch at an even step");
  }
  if (same_sampler_settings(params, parent)) {
    shape.first_call = from.first_call;
    shape.first_frame = from.first_frame;
    shape.total_frames = from.total_frames;
    return shape;
  }
  const double sigma = from.sigma_at(k);
  double best = std::numeric_limits<double>::infinity();
  for (int call = 0; call < calls; call += shape.sampler->calls_per_step()) {
    const double d = log_distance(shape.sampler->state_sigmas()[call], sigma);
    if (d < best) {
      best = d;
      shape.first_call = call;
    }
  }
  shape.first_frame = k;
  shape.total_frames = k + calls - shape.first_call;
  return shape;
}

}  // namespace emergence
