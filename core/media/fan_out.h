#pragma once

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/diffusion_model.h"
#include "core/generation.h"
#include "core/media/spectrum_snapshot.h"

namespace emergence {

// Means to modes, measured: branch a run at step k many times with fresh noise and see how far
// the final images still disagree. Branches taken early disagree (x̂0 was still a mean over many
// possible images), branches taken late agree (the run had already picked its mode).
struct FanOutSettings {
  int at_step = 0;
  int branches = 16;
  uint64_t first_seed = 1;  // branch b draws its noise from seed first_seed + b
  // The branches' sampler; empty: the parent's when it is stochastic, else DDPM (ancestral
  // sampling of p(x0 | x_k), Ho et al. 2020), since a deterministic sampler has one answer per x_k.
  std::string sampler;
  // Branch steps from at_step to the last but one at which the spread is measured (the grid's own
  // branches are the first; at the last step every sampler ends alike); 1: only at_step.
  int spread_points = 5;
};

// The disagreement of the final images of the branches taken at one step, in display units
// ([0, 1] per channel): mean over pixels of their standard deviation, and per spectral band the
// RMS of their luminance deviation from their mean.
struct SpreadPoint {
  int step = 0;
  double sigma = 0.0;  // of the parent's latent at that step
  double pixel_std = 0.0;
  std::vector<double> band_std;
};

struct FanOutResult {
  std::vector<GenerationParams> branch_params;  // the grid's branches, at at_step
  std::vector<torch::Tensor> finals;            // their final latents [1,C,H,W]
  std::vector<SpectralBand> bands;
  std::vector<SpreadPoint> spread;  // by branch step, at_step first
  bool cancelled = false;
};

// Told as the fan-out goes: each branch once it is done, each spread point once all its branches
// are. Called on the thread that runs fan_out.
class FanOutObserver {
 public:
  virtual ~FanOutObserver() = default;
  virtual void on_branch(int point, int branch, const GenerationParams& params,
                         const torch::Tensor& final_latent) = 0;
  virtual void on_spread(const SpreadPoint& point) = 0;
};

// The branch steps fan_out measures: spread_points of them spaced evenly from at_step to the
// parent's last step but one, on step boundaries, without repeats.
std::vector<int> spread_steps(const ModelInfo& model, const GenerationParams& parent,
                              const FanOutSettings& settings);

// Checks the settings against the parent (branch count, step, sampler) before anything runs.
void validate_fan_out(const ModelInfo& model, const GenerationParams& parent,
                      const FanOutSettings& settings);

// The spread as CSV (loadable with pandas.read_csv(path, comment='#')): step, sigma, pixel_std and
// one column per band, named by its frequency range in cycles per pixel.
std::string spread_csv(const std::vector<SpectralBand>& bands,
                       const std::vector<SpreadPoint>& spread);

// Runs the parent once, then every branch from the parent's latent at its step. Each branch's
// parameters reproduce it alone through generate(). Cancel stops after the model call in flight.
FanOutResult fan_out(DiffusionModel& model, const GenerationRequest& parent,
                     const FanOutSettings& settings, FanOutObserver* observer = nullptr);

}  // namespace emergence
