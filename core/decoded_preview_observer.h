#pragma once

#include <chrono>
#include <string>

#include "diffusion_model.h"
#include "sampling_loop.h"

namespace emergence {

// The share of a model step that decoded previews may cost on average (issue 13: ≤ 5 %).
constexpr double kPreviewDecodeBudget = 0.05;

// Which frames get a decoded x̂0 so that the decoder costs at most `budget` of a model step on
// average: every k-th frame with k = ceil(decode time / (budget · step time)), from the latest
// measured times. The last frame always gets one, frame 0 (x̂0 is zeros) never.
class PreviewDecodeSchedule {
 public:
  explicit PreviewDecodeSchedule(double budget) : budget_(budget) {}

  // k for these times; 1 while either is unknown (≤ 0).
  static int interval(double decode_seconds, double step_seconds, double budget);

  bool due(int index, int total) const;
  void step_took(double seconds) { step_seconds_ = seconds; }
  void decoded(int index, double seconds);
  int interval() const { return interval(decode_seconds_, step_seconds_, budget_); }

 private:
  double budget_;
  double step_seconds_ = 0.0;
  double decode_seconds_ = 0.0;
  int last_decoded_ = -1;
};

// Sits first in a latent model's chain, before PreviewObserver: hands every frame on, and on the
// frames PreviewDecodeSchedule picks fills x0_decoded = model.preview_decode(x0) and decoder. The
// step time is the time from handing one frame on to the arrival of the next, the sampler's own
// (observers after this one do not count). A model without a preview decoder passes through.
class DecodedPreviewObserver : public SamplingObserver {
 public:
  DecodedPreviewObserver(DiffusionModel& model, SamplingObserver* next,
                         double budget = kPreviewDecodeBudget)
      : model_(model), next_(next), schedule_(budget) {}

  void on_frame(const StepFrame& frame) override;
  const PreviewDecodeSchedule& schedule() const { return schedule_; }

 private:
  using Clock = std::chrono::steady_clock;

  DiffusionModel& model_;
  SamplingObserver* next_;
  PreviewDecodeSchedule schedule_;
  bool handed_on_ = false;
  Clock::time_point last_handed_on_;
};

}  // namespace emergence
