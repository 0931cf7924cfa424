#pragma once

#include <chrono>
#include <string>

#include "core/sampling_loop.h"

namespace emergence::app {

// Per-step progress on stderr and, with --save-steps, every frame's x_t and x̂0 as PNG files
// (x̂0 through the preview decoder on the steps that have one).
class StepProgressWriter : public SamplingObserver {
 public:
  explicit StepProgressWriter(std::string steps_dir) : steps_dir_(std::move(steps_dir)) {}

  void on_frame(const StepFrame& frame) override;

  // Where a frame's view ("xt", "x0") goes in dir: xt_0007.png, with at least four digits.
  static std::string frame_path(const std::string& dir, const char* view, const StepFrame& frame);

 private:
  std::string steps_dir_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace emergence::app
