#include "frame_store.h"

#include "core/trajectory.h"

namespace emergence::ui {

FrameStore::FrameStore() : trajectory_(std::make_unique<Trajectory>()) {}

FrameStore::~FrameStore() = default;

void FrameStore::reset(const GenerationParams& params) {
  trajectory_->params = params;
  trajectory_->frames.clear();
  pixel_bytes_ = 0;
}

void FrameStore::append(std::shared_ptr<const TrajectoryFrame> frame) {
  for (const Image8& view : frame->views) {
    pixel_bytes_ += view.pixels.size();
  }
  pixel_bytes_ += frame->decoded_x0.pixels.size();
  trajectory_->frames.push_back(std::move(frame));
}

void FrameStore::restore(const Trajectory& run) {
  reset(run.params);
  for (const auto& frame : run.frames) {
    append(frame);
  }
}

int FrameStore::count() const { return static_cast<int>(trajectory_->frames.size()); }

std::shared_ptr<const TrajectoryFrame> FrameStore::frame(int index) const {
  if (index < 0 || index >= count()) {
    return nullptr;
  }
  return trajectory_->frames[static_cast<size_t>(index)];
}

}  // namespace emergence::ui
