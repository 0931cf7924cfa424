#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "core/trajectory.h"

namespace emergence::test {

// A run of `frames` frames of size×size RGB whose x_t goes from pure noise (frame 0) to a smooth
// clean picture (the last frame), linearly blended; x̂0 is the clean picture, ε̂ the noise, Δ the
// difference to the previous frame. σ falls from 10 to 0.
Trajectory synthetic_trajectory(int frames = 9, int size = 16);
GenerationParams synthetic_params();

// Mean absolute difference between horizontally and vertically adjacent pixels: high for noise,
// low for the smooth clean picture.
double total_variation(const cv::Mat& image);

// A fresh empty folder under the system temp folder, removed with everything in it at scope end.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Every entry in the folder, hidden ones included, sorted.
  std::vector<std::string> entries() const;

 private:
  std::string path_;
};

std::vector<uint8_t> read_bytes(const std::string& path);

}  // namespace emergence::test
