#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <unordered_map>
#include <vector>

namespace emergence {

using Palette = std::vector<cv::Vec3b>;  // RGB entries

// Counts of each distinct RGB colour (packed 0xRRGGBB) over one or more CV_8UC3 images.
class ColorHistogram {
 public:
  void add(const cv::Mat& rgb);
  const std::unordered_map<uint32_t, uint32_t>& counts() const { return counts_; }

 private:
  std::unordered_map<uint32_t, uint32_t> counts_;
};

// At most max_colors (1 to 256) representative colours by median cut (Heckbert 1982, "Color
// image quantization for frame buffer display"): the box with the widest channel is split at
// its pixel-weighted median until there are enough boxes; each box gives its mean colour. When
// the image has no more colours than that, the palette is exactly its colours (lossless).
Palette median_cut_palette(const ColorHistogram& histogram, int max_colors);

// Maps pixels to the nearest palette entry (squared RGB distance); each distinct colour is
// searched once.
class PaletteMapper {
 public:
  explicit PaletteMapper(const Palette& palette);
  // One index per pixel, rows top to bottom.
  std::vector<uint8_t> map(const cv::Mat& rgb);

 private:
  uint8_t nearest(uint32_t packed);

  Palette palette_;
  std::unordered_map<uint32_t, uint8_t> cache_;
};

}  // namespace emergence
