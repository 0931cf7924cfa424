#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/media/export/frame_sequence.h"

namespace emergence {

struct Mp4Options {
  double fps = 10.0;
  int hold_frames = 10;  // copies of the last frame appended, so players linger on the result
};

struct EncodedVideo {
  std::vector<uint8_t> bytes;
  std::string codec;  // "avc1 (H.264)" or "mp4v (MPEG-4 Part 2)"
  cv::Size size;      // frames are padded to even sizes, which 4:2:0 video needs
  int frame_count = 0;
};

// An MP4 through OpenCV's FFmpeg writer: H.264 ("avc1") when FFmpeg has an encoder for it,
// otherwise MPEG-4 Part 2 ("mp4v"), which every FFmpeg has. The video goes to a scratch file in
// the system temp folder (OpenCV only writes files), is checked by reading it back, and returned
// in memory; the scratch file is always removed.
EncodedVideo encode_mp4(const FrameSequence& frames, const Mp4Options& options);

}  // namespace emergence
