#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "display_image.h"
#include "generation_params.h"

namespace emergence {

// The four views of a step that the app shows and exports.
enum class View { NoisyState = 0, CleanGuess = 1, Noise = 2, Update = 3 };  // x_t, x̂0, ε̂, Δ
constexpr int kViewCount = 4;

// One recorded step, display-ready and immutable once built.
struct TrajectoryFrame {
  int index = 0;  // 0 = the initial noise
  int total = 0;  // model calls in the run
  double timestep = 0.0;
  double sigma = 0.0;  // noise level of x_t in x0 units
  std::array<Image8, kViewCount> views;
  // x̂0 through a real decoder at full image size, on the steps that have one (latent models);
  // empty on the others. decoder names it ("TAESD", "VAE").
  Image8 decoded_x0;
  std::string decoder;

  const Image8& view(View v) const { return views[static_cast<int>(v)]; }
};

// A whole run: its parameters and every frame so far (shared, never copied per reader).
struct Trajectory {
  GenerationParams params;
  std::vector<std::shared_ptr<const TrajectoryFrame>> frames;
};

}  // namespace emergence

namespace emergence {
struct StepFrame;
// The display copy of a sampling frame (first batch item): x_t and x̂0 as images, ε̂ at ±2σ,
// Δ scaled to its own peak.
std::shared_ptr<const TrajectoryFrame> make_trajectory_frame(const StepFrame& frame);

// The frame whose decoded x̂0 is shown at step `index`: the latest at or before it that carries
// one, or null when none does (pixel models, steps before the first decode). The window's canvas
// and the export both show this.
std::shared_ptr<const TrajectoryFrame> latest_decoded(const Trajectory& run, int index);
// Gives frame `index` of the run (a copy; the others stay shared) `image` as its decoded x̂0,
// e.g. the VAE decode of the finished image, so an export shows it.
void set_decoded_x0(Trajectory& run, int index, Image8 image, const std::string& decoder);
}  // namespace emergence
