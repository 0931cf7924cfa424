#pragma once

#include <cstddef>
#include <memory>

namespace emergence {
struct GenerationParams;
struct Trajectory;
struct TrajectoryFrame;
}  // namespace emergence

namespace emergence::ui {

// Every display frame of the current run, in order, so scrubbing never recomputes anything.
// Frames are immutable and shared with the canvas, the thumbnails and the exporter.
class FrameStore {
 public:
  FrameStore();
  ~FrameStore();
  FrameStore(const FrameStore&) = delete;
  FrameStore& operator=(const FrameStore&) = delete;

  // Starts a new run: drops the old frames and records the run's parameters.
  void reset(const GenerationParams& params);
  void append(std::shared_ptr<const TrajectoryFrame> frame);
  // Puts back a run recorded earlier (its frames are shared, not copied).
  void restore(const Trajectory& run);

  int count() const;
  bool empty() const { return count() == 0; }
  // Frame i, or null when i is outside [0, count()).
  std::shared_ptr<const TrajectoryFrame> frame(int index) const;
  const Trajectory& trajectory() const { return *trajectory_; }
  // Bytes of pixel data held (all views of all frames, decoded x̂0 previews included).
  std::size_t pixel_bytes() const { return pixel_bytes_; }

 private:
  std::unique_ptr<Trajectory> trajectory_;
  std::size_t pixel_bytes_ = 0;
};

}  // namespace emergence::ui
