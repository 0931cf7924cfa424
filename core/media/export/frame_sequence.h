#pragma once

#include <functional>
#include <opencv2/core.hpp>

namespace emergence {

// The pictures of an animation, rendered on demand so a long run never sits in memory at once.
struct FrameSequence {
  int count = 0;
  cv::Size size;                         // every picture has this size
  std::function<cv::Mat(int i)> render;  // RGB CV_8UC3 picture i, 0 <= i < count
  std::function<void()> after_frame;     // called once per encoded picture; may throw to stop
};

}  // namespace emergence
