#include "step_progress_writer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/display_image.h"
#include "core/media/image_file.h"

namespace emergence::app {

void StepProgressWriter::on_frame(const StepFrame& frame) {
  const auto now = std::chrono::steady_clock::now();
  if (frame.index > 0) {
    const double seconds = std::chrono::duration<double>(now - last_).count();
    std::fprintf(stderr, "step %d/%d  t=%.4g  σ=%.4g  %.1f it/s%s%s\n", frame.index, frame.total,
                 frame.timestep, frame.sigma, seconds > 0 ? 1.0 / seconds : 0.0,
                 frame.decoder.empty() ? "" : "  x0 preview: ", frame.decoder.c_str());
  }
  if (!steps_dir_.empty()) {
    const torch::Tensor& x0 = frame.x0_decoded.defined() ? frame.x0_decoded : frame.x0;
    write_image(frame_path(steps_dir_, "xt", frame), to_image8(frame.x_t, DisplayMapping::Image));
    write_image(frame_path(steps_dir_, "x0", frame), to_image8(x0, DisplayMapping::Image));
  }
  last_ = std::chrono::steady_clock::now();
}

std::string StepProgressWriter::frame_path(const std::string& dir, const char* view,
                                           const StepFrame& frame) {
  const int digits = std::max(4, static_cast<int>(std::to_string(frame.total).size()));
  char name[64];
  std::snprintf(name, sizeof(name), "%s_%0*d.png", view, digits, frame.index);
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace emergence::app
