#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace emergence {

// An 8-bit image, rows top to bottom, channels interleaved (RGB or RGBA). Plain data, no torch,
// so ui/ and export code can hold it.
struct Image8 {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> pixels;  // height·width·channels bytes

  bool empty() const { return pixels.empty(); }
};

// How model-space values become 8-bit levels.
enum class DisplayMapping {
  Image,      // diffusers post-processing: round(255·clamp(x/2 + 0.5, 0, 1)); for x_t and x̂0
  Noise,      // ±2 standard deviations to [0, 255]; for ε̂
  Symmetric,  // ±max|x| of the frame to [0, 255], 0 at mid-grey; for the update Δ
};

// One [C,H,W] (or [1,C,H,W]) float tensor with 1, 3 or 4 channels to an Image8.
Image8 to_image8(const torch::Tensor& chw, DisplayMapping mapping = DisplayMapping::Image);

// The inverse of the Image mapping: levels to model space, level/127.5 − 1, as [C,H,W] float32.
torch::Tensor from_image8(const Image8& image);

}  // namespace emergence
