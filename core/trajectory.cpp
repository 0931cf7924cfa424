#include "trajectory.h"

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

}  // namespace emergence
