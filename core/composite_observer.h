#pragma once

#include <initializer_list>
#include <vector>

#include "sampling_loop.h"

namespace emergence {

// Hands every frame to several observers in order, so one run can drive progress output and a
// spectral track (or a frame store) at once. Null observers are skipped.
class CompositeObserver : public SamplingObserver {
 public:
  CompositeObserver(std::initializer_list<SamplingObserver*> observers) : observers_(observers) {}

  void add(SamplingObserver* observer) { observers_.push_back(observer); }

  void on_frame(const StepFrame& frame) override {
    for (SamplingObserver* observer : observers_) {
      if (observer != nullptr) {
        observer->on_frame(frame);
      }
    }
  }

 private:
  std::vector<SamplingObserver*> observers_;
};

}  // namespace emergence
