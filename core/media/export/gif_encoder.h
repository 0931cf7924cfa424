#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/media/export/frame_sequence.h"

namespace emergence {

struct GifOptions {
  int delay_cs = 10;            // per frame, in centiseconds (the GIF unit)
  int last_delay_cs = 110;      // the last frame: its delay plus the hold
  bool global_palette = false;  // one median-cut palette over all frames instead of one each
  std::string comment;          // stored in a GIF comment extension
};

// An endlessly looping animated GIF89a (giflib) in memory. With per-frame palettes each frame
// gets its own 256-colour median-cut palette, which keeps the clean end of the run faithful.
std::vector<uint8_t> encode_gif(const FrameSequence& frames, const GifOptions& options);

}  // namespace emergence
