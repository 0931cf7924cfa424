#include "frame_renderer.h"

#include <algorithm>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace emergence {
namespace {

cv::Mat scaled(const Image8& image, const ExportSettings& s) {
  cv::Mat rgb = to_rgb_mat(image);
  if (s.scale == 1) {
    return rgb;
  }
  cv::Mat out;
  cv::resize(rgb, out, cv::Size(), s.scale, s.scale,
             s.smooth ? cv::INTER_CUBIC : cv::INTER_NEAREST);
  return out;
}

int gap_width(const ExportSettings& s) { return std::max(2, s.scale); }

const Image8& view_image(const TrajectoryFrame& frame, View view) {
  const Image8& image = frame.view(view);
  if (image.empty()) {
    throw Error("frame " + std::to_string(frame.index) + " has no image for the chosen view");
  }
  return image;
}

std::string step_label(const TrajectoryFrame& frame, bool short_form) {
  char text[96];
  if (short_form) {
    std::snprintf(text, sizeof text, "%d/%d s=%.2f", frame.index, frame.total, frame.sigma);
  } else {
    std::snprintf(text, sizeof text, "step %d/%d  sigma %.2f", frame.index, frame.total,
                  frame.sigma);
  }
  return text;
}

void draw_step_label(cv::Mat& rgb, const TrajectoryFrame& frame) {
  // Aim for a cap height of 1/16 of the frame but never below 6 px, and shorten the text before
  // letting it run off the right edge.
  const int cap = std::max(6, rgb.rows / 16);
  const double font_scale = cap / 22.0;  // Hershey simplex capitals are ~22 units tall at scale 1
  std::string text = step_label(frame, false);
  int baseline = 0;
  if (cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font_scale, 1, &baseline).width >
      rgb.cols - 4) {
    text = step_label(frame, true);
  }
  draw_caption(rgb, text, cv::Point(2, 2 + cap), cap);
}

void draw_progress_bar(cv::Mat& rgb, const TrajectoryFrame& frame) {
  const int height = std::max(2, rgb.rows / 40);
  const double fraction =
      frame.total > 0 ? std::clamp(static_cast<double>(frame.index) / frame.total, 0.0, 1.0) : 1.0;
  const cv::Rect track(0, rgb.rows - height, rgb.cols, height);
  cv::rectangle(rgb, track, cv::Scalar(32, 32, 32), cv::FILLED);
  const int filled = static_cast<int>(fraction * rgb.cols + 0.5);
  if (filled > 0) {
    cv::rectangle(rgb, cv::Rect(0, rgb.rows - height, filled, height), cv::Scalar(255, 196, 0),
                  cv::FILLED);
  }
}

}  // namespace

cv::Mat to_rgb_mat(const Image8& image) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    throw Error("export: frame image has an inconsistent size");
  }
  cv::Mat in(image.height, image.width, CV_8UC(image.channels),
             const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat rgb;
  switch (image.channels) {
    case 1:
      cv::cvtColor(in, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      rgb = in.clone();
      break;
    case 4:
      cv::cvtColor(in, rgb, cv::COLOR_RGBA2RGB);
      break;
    default:
      throw Error("export: frame images must have 1, 3 or 4 channels (got " +
                  std::to_string(image.channels) + ")");
  }
  return rgb;
}

cv::Size rendered_size(const TrajectoryFrame& frame, const ExportSettings& s) {
  const Image8& image = frame.views[0];
  const int w = image.width * s.scale;
  const int h = image.height * s.scale;
  return s.view == ExportView::Pair ? cv::Size(2 * w + gap_width(s), h) : cv::Size(w, h);
}

cv::Mat render_frame(const TrajectoryFrame& frame, const ExportSettings& s) {
  cv::Mat out;
  switch (s.view) {
    case ExportView::NoisyState:
      out = scaled(view_image(frame, View::NoisyState), s);
      break;
    case ExportView::CleanGuess:
      out = scaled(view_image(frame, View::CleanGuess), s);
      break;
    case ExportView::Noise:
      out = scaled(view_image(frame, View::Noise), s);
      break;
    case ExportView::Update:
      out = scaled(view_image(frame, View::Update), s);
      break;
    case ExportView::Pair: {
      const cv::Mat left = scaled(view_image(frame, View::NoisyState), s);
      const cv::Mat right = scaled(view_image(frame, View::CleanGuess), s);
      out = cv::Mat(left.rows, left.cols + gap_width(s) + right.cols, CV_8UC3,
                    cv::Scalar(24, 24, 24));
      left.copyTo(out(cv::Rect(0, 0, left.cols, left.rows)));
      right.copyTo(out(cv::Rect(left.cols + gap_width(s), 0, right.cols, right.rows)));
      break;
    }
  }
  if (s.step_label) {
    draw_step_label(out, frame);
  }
  if (s.progress_bar) {
    draw_progress_bar(out, frame);
  }
  return out;
}

void draw_caption(cv::Mat& rgb, const std::string& text, cv::Point baseline_left, int cap_height) {
  const double font_scale = cap_height / 22.0;
  cv::putText(rgb, text, baseline_left, cv::FONT_HERSHEY_SIMPLEX, font_scale, cv::Scalar(0, 0, 0),
              3, cv::LINE_AA);
  cv::putText(rgb, text, baseline_left, cv::FONT_HERSHEY_SIMPLEX, font_scale,
              cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
}

}  // namespace emergence
