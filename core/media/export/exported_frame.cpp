#include "exported_frame.h"

#include <opencv2/imgproc.hpp>

#include "core/media/export/frame_renderer.h"

namespace emergence {
namespace {

cv::Size size_of(const Image8& image) { return cv::Size(image.width, image.height); }

const Image8* first_decoded(const Trajectory& run) {
  for (const auto& frame : run.frames) {
    if (frame && !frame->decoded_x0.empty()) {
      return &frame->decoded_x0;
    }
  }
  return nullptr;
}

Image8 resized(const Image8& image, cv::Size size) {
  if (size_of(image) == size && image.channels == 3) {
    return image;
  }
  cv::Mat out;
  cv::resize(to_rgb_mat(image), out, size, 0, 0, cv::INTER_NEAREST);
  return to_image8(out);
}

}  // namespace

cv::Size exported_image_size(const Trajectory& run) {
  if (const Image8* decoded = first_decoded(run)) {
    return size_of(*decoded);
  }
  return run.frames.empty() || !run.frames.front() ? cv::Size()
                                                   : size_of(run.frames.front()->views[0]);
}

std::shared_ptr<const TrajectoryFrame> exported_frame(const Trajectory& run, int position) {
  const auto& frame = run.frames.at(static_cast<size_t>(position));
  const Image8* decoded = first_decoded(run);
  if (!decoded || !frame) {
    return frame;
  }
  const cv::Size size = size_of(*decoded);
  auto out = std::make_shared<TrajectoryFrame>();
  out->index = frame->index;
  out->total = frame->total;
  out->timestep = frame->timestep;
  out->sigma = frame->sigma;
  for (int v = 0; v < kViewCount; ++v) {
    if (!frame->views[v].empty()) {
      out->views[v] = resized(frame->views[v], size);
    }
  }
  if (const auto shown = latest_decoded(run, position)) {
    out->views[static_cast<int>(View::CleanGuess)] = resized(shown->decoded_x0, size);
  }
  return out;
}

}  // namespace emergence
