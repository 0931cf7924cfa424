#include "decoded_preview_observer.h"

#include <algorithm>
#include <cmath>

namespace emergence {

int PreviewDecodeSchedule::interval(double decode_seconds, double step_seconds, double budget) {
  if (decode_seconds <= 0.0 || step_seconds <= 0.0 || budget <= 0.0) {
    return 1;
  }
  // decode / k ≤ budget · step
  const double k = std::ceil(decode_seconds / (budget * step_seconds));
  return static_cast<int>(std::clamp(k, 1.0, 1e6));
}

bool PreviewDecodeSchedule::due(int index, int total) const {
  if (index <= 0) {
    return false;
  }
  return index >= total || last_decoded_ < 0 || index - last_decoded_ >= interval();
}

void PreviewDecodeSchedule::decoded(int index, double seconds) {
  last_decoded_ = index;
  decode_seconds_ = seconds;
}

void DecodedPreviewObserver::on_frame(const StepFrame& frame) {
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const Clock::time_point arrived = Clock::now();
  if (handed_on_) {
    schedule_.step_took(seconds(arrived - last_handed_on_));
  }
  const std::string decoder = model_.preview_decoder();
  if (!decoder.empty() && schedule_.due(frame.index, frame.total)) {
    StepFrame decoded = frame;
    decoded.x0_decoded = model_.preview_decode(frame.x0);
    decoded.decoder = decoder;
    schedule_.decoded(frame.index, seconds(Clock::now() - arrived));
    if (next_ != nullptr) {
      next_->on_frame(decoded);
    }
  } else if (next_ != nullptr) {
    next_->on_frame(frame);
  }
  handed_on_ = true;
  last_handed_on_ = Clock::now();
}

}  // namespace emergence
