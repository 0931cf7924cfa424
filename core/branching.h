#pragma once

#include <memory>

#include "diffusion_model.h"
#include "generation_params.h"
#include "sampler.h"

namespace emergence {

// Branches: a run that is its parent's up to frame k and then goes on with other settings (a new
// seed, sampler, step count, guidance or class). With the parent's sampler settings the branch
// keeps the parent's sampler, history included, so an unchanged branch is the parent bit for bit
// and one with a new seed shares frames 0…k exactly. With another sampler it restarts: the new
// sampler starts at its step whose σ is nearest the parent's σ at k, from the parent's latent
// there (ComfyUI's KSamplerAdvanced start_at_step does the same with the latent it is handed).

// The same sampler, steps, schedule, shift, ρ, η and arithmetic: one sampler serves both.
bool same_sampler_settings(const GenerationParams& a, const GenerationParams& b);

// The branch of parent at frame `step`: parent's parameters with the parent linked and the branch
// step set. Change what the branch should do differently afterwards.
GenerationParams branch_of(const GenerationParams& parent, int step);

// The run that the chain of branches starts from (params itself when it is no branch).
const GenerationParams& root_of(const GenerationParams& params);

// How the sampler that makes a run's last frames is laid out: frames first_frame … total_frames
// come from its calls first_call … num_calls() (frame f follows call first_call + f − first_frame,
// frame first_frame being the state before first_call).
struct RunShape {
  std::unique_ptr<Sampler> sampler;
  int first_call = 0;
  int first_frame = 0;
  int total_frames = 0;  // index of the last frame: the model calls of a run without branches

  double sigma_at(int frame) const;
  bool at_step_boundary(int frame) const;
};

// Checks every link of a chain (the branch step lies in the parent's run on a step boundary, the
// model and the start are the parent's) and lays the run out; Errors name the link and the cause.
RunShape shape_of_run(const ModelInfo& model, const GenerationParams& params);

}  // namespace emergence
