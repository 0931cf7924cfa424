#pragma once

#include <string>

namespace emergence {
class Trainer;
}

namespace emergence::app {

// The sample grids `emergence train --samples-every N` writes so that the artist watches the
// model learn: the EMA weights, one image per class with images (up to 16; 9 images of an
// unconditional model), each with the same seed at every step, DDIM (the trained model's
// sampler) with 20 steps and guidance 3. Into WORK/samples/: step-N.png and index.json,
// {"step": N, "file": "step-N.png", "columns": C, "tile": PX, "gap": G, "labels": [class names]},
// which points at the latest grid (a resumed window shows it first).
class TrainingSampleGrids {
 public:
  explicit TrainingSampleGrids(std::string work_dir);
  // Writes the grid of the trainer's current EMA weights; returns the PNG's path.
  std::string write(const Trainer& trainer);

 private:
  std::string work_dir_;
};

constexpr const char* kSamplesFolder = "samples";
constexpr const char* kSamplesIndex = "index.json";

}  // namespace emergence::app
