#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/trajectory.h"
#include "temp_folder.h"

namespace emergence::test {

// A run of `frames` frames of size×size RGB whose x_t goes from pure noise (frame 0) to a smooth
// clean picture (the last frame), linearly blended; x̂0 is the clean picture, ε̂ the noise, Δ the
// difference to the previous frame. σ falls from 10 to 0.
Trajectory synthetic_trajectory(int frames = 9, int size = 16);
GenerationParams synthetic_params();

// Mean absolute difference between horizontally and vertically adjacent pixels: high for noise,
// low for the smooth clean picture.
double total_variation(const cv::Mat& image);

}  // namespace emergence::test
