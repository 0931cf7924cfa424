#pragma once

#include <vector>

namespace emergence {

// The frame indices an export uses out of frame_count recorded frames: first, first+stride, …
// up to last (< 0: the last recorded frame), with the last one always included so an animation
// ends on the finished image. Error when the range is empty or outside the run.
std::vector<int> select_frames(int frame_count, int first, int last, int stride);

}  // namespace emergence
