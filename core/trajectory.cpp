#include "trajectory.h"

#include <algorithm>

#include "sampling_loop.h"

namespace emergence {

std::shared_ptr<const TrajectoryFrame> make_trajectory_frame(const StepFrame& f) {
  auto frame = std::make_shared<TrajectoryFrame>();
  frame->index = f.index;
  frame->total = f.total;
  frame->timestep = f.timestep;
  frame->sigma = f.sigma;
  frame->views[static_cast<int>(View::NoisyState)] = to_image8(f.x_t, DisplayMapping::Image);
  frame->views[static_cast<int>(View::CleanGuess)] = to_image8(f.x0, DisplayMapping::Image);
  frame->views[static_cast<int>(View::Noise)] = to_image8(f.eps, DisplayMapping::Noise);
  frame->views[static_cast<int>(View::Update)] = to_image8(f.delta, DisplayMapping::Symmetric);
  if (f.x0_decoded.defined()) {
    frame->decoded_x0 = to_image8(f.x0_decoded, DisplayMapping::Image);
    frame->decoder = f.decoder;
  }
  return frame;
}

std::shared_ptr<const TrajectoryFrame> latest_decoded(const Trajectory& run, int index) {
  for (int i = std::min(index, static_cast<int>(run.frames.size()) - 1); i >= 0; --i) {
    const auto& frame = run.frames[static_cast<size_t>(i)];
    if (frame && !frame->decoded_x0.empty()) {
      return frame;
    }
  }
  return nullptr;
}

void set_decoded_x0(Trajectory& run, int index, Image8 image, const std::string& decoder) {
  auto& slot = run.frames.at(static_cast<size_t>(index));
  auto frame = std::make_shared<TrajectoryFrame>(*slot);
  frame->decoded_x0 = std::move(image);
  frame->decoder = decoder;
  slot = std::move(frame);
}

}  // namespace emergence
