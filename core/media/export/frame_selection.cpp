#include "frame_selection.h"

#include <string>

#include "core/error.h"

namespace emergence {

std::vector<int> select_frames(int frame_count, int first, int last, int stride) {
  if (frame_count <= 0) {
    throw Error("nothing to export: the run has no frames yet");
  }
  const int end = last < 0 ? frame_count - 1 : last;
  if (first < 0 || end >= frame_count || first > end) {
    throw Error("export frame range must lie in [0, " + std::to_string(frame_count - 1) +
                "] with first <= last (got " + std::to_string(first) + " to " +
                std::to_string(end) + ")");
  }
  if (stride < 1) {
    throw Error("export stride must be >= 1 (got " + std::to_string(stride) + ")");
  }
  std::vector<int> frames;
  for (int i = first; i <= end; i += stride) {
    frames.push_back(i);
  }
  if (frames.back() != end) {
    frames.push_back(end);
  }
  return frames;
}

}  // namespace emergence
