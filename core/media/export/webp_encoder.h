#pragma once

#include <cstdint>
#include <vector>

#include "core/media/export/frame_sequence.h"

namespace emergence {

struct WebPOptions {
  int delay_ms = 100;        // per frame
  int last_delay_ms = 1100;  // the last frame: its delay plus the hold
};

// An endlessly looping, lossless animated WebP (libwebpmux's WebPAnimEncoder) in memory.
// Lossless keeps pixel-art edges and the exact colours of every step.
std::vector<uint8_t> encode_webp(const FrameSequence& frames, const WebPOptions& options);

}  // namespace emergence
