#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/media/image_distance.h"

namespace emergence {

// "What more steps buy": one seed sampled with each sampler at each step count, every final
// image measured against a long reference run of the same seed.
struct ComparisonPlan {
  GenerationParams base;  // model, seed, class, guidance, schedule, shift; sampler/steps replaced
  std::vector<std::string> samplers;
  std::vector<int> steps;
  std::string reference_sampler = "ddim";
  int reference_steps = 1000;
};

struct ComparisonCell {
  std::string sampler;
  int steps = 0;
  int calls = 0;         // model calls (Heun: two per step but the last)
  double seconds = 0.0;  // wall clock of the run
  torch::Tensor image;   // final latent [1,C,H,W]
  ImageDistance distance;
};

struct ComparisonResult {
  ComparisonCell reference;
  std::vector<ComparisonCell> cells;  // row by row: samplers × steps
  std::vector<SpectralBand> bands;    // of distance.band_rmse
  bool cancelled = false;
};

// "5,10,20" as step counts; an Error names the first item that is not a count ≥ 1.
std::vector<int> parse_step_list(const std::string& text);
// "ddim,euler" as names, empty items dropped.
std::vector<std::string> parse_name_list(const std::string& text);

// Every run of the plan checked as `generate` would check it, before anything runs.
void validate_comparison(const ModelInfo& model, const ComparisonPlan& plan);

// Runs the reference, then every cell row by row, calling on_cell after each (done of total,
// the reference counting as the first). Stops early, with cancelled set, when cancel turns true.
ComparisonResult run_comparison(
    DiffusionModel& model, const ComparisonPlan& plan,
    const std::function<void(const ComparisonCell&, int done, int total)>& on_cell = {},
    const std::atomic<bool>* cancel = nullptr);

// The fewest model calls at which a sampler's image is within max_rmse of the reference;
// -1 when no step count of the plan gets there.
int fewest_calls_within(const ComparisonResult& result, const std::string& sampler,
                        double max_rmse);

// sampler,steps,calls,seconds,rmse,band_0 … band_k; a comment line says what the bands are.
void write_comparison_csv(std::ostream& out, const ComparisonResult& result);

}  // namespace emergence
