#pragma once

#include <opencv2/core.hpp>

#include "core/media/export/export_settings.h"
#include "core/media/image_file.h"  // to_image8(cv::Mat)
#include "core/trajectory.h"

namespace emergence {

// An Image8 (1, 3 or 4 channels) as a new RGB cv::Mat (alpha dropped).
cv::Mat to_rgb_mat(const Image8& image);

// One exported picture of a step: the chosen view (or x_t | x̂0), upscaled, with the optional
// step label and progress bar burnt in. RGB, CV_8UC3.
cv::Mat render_frame(const TrajectoryFrame& frame, const ExportSettings& settings);
// Width and height render_frame gives for a frame of this size, without rendering.
cv::Size rendered_size(const TrajectoryFrame& frame, const ExportSettings& settings);

// Writes text with a one-pixel dark outline so it reads on any background (Hershey simplex, the
// height in pixels of a capital letter given by cap_height).
void draw_caption(cv::Mat& rgb, const std::string& text, cv::Point baseline_left, int cap_height);

}  // namespace emergence
