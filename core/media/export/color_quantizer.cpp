#include "color_quantizer.h"

#include <algorithm>
#include <array>

#include "core/error.h"

namespace emergence {
namespace {

struct ColorCount {
  std::array<uint8_t, 3> rgb;
  uint32_t count;
};

struct Box {
  size_t begin;
  size_t end;  // [begin, end) in the colour list
  int widest_channel = 0;
  int width = 0;  // extent of the widest channel
  uint64_t pixels = 0;
};

uint32_t pack(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }

void measure(Box& box, const std::vector<ColorCount>& colors) {
  std::array<int, 3> lo{255, 255, 255};
  std::array<int, 3> hi{0, 0, 0};
  box.pixels = 0;
  for (size_t i = box.begin; i < box.end; ++i) {
    for (int c = 0; c < 3; ++c) {
      lo[c] = std::min<int>(lo[c], colors[i].rgb[c]);
      hi[c] = std::max<int>(hi[c], colors[i].rgb[c]);
    }
    box.pixels += colors[i].count;
  }
  box.width = -1;
  for (int c = 0; c < 3; ++c) {
    if (hi[c] - lo[c] > box.width) {
      box.width = hi[c] - lo[c];
      box.widest_channel = c;
    }
  }
}

cv::Vec3b mean_color(const Box& box, const std::vector<ColorCount>& colors) {
  std::array<uint64_t, 3> sum{0, 0, 0};
  for (size_t i = box.begin; i < box.end; ++i) {
    for (int c = 0; c < 3; ++c) {
      sum[c] += uint64_t{colors[i].rgb[c]} * colors[i].count;
    }
  }
  cv::Vec3b mean;
  for (int c = 0; c < 3; ++c) {
    mean[c] = static_cast<uint8_t>((sum[c] + box.pixels / 2) / box.pixels);
  }
  return mean;
}

}  // namespace

void ColorHistogram::add(const cv::Mat& rgb) {
  CV_Assert(rgb.type() == CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      ++counts_[pack(row + 3 * x)];
    }
  }
}

Palette median_cut_palette(const ColorHistogram& histogram, int max_colors) {
  if (max_colors < 1 || max_colors > 256) {
    throw Error("palette size must be in [1, 256] (got " + std::to_string(max_colors) + ")");
  }
  std::vector<ColorCount> colors;
  colors.reserve(histogram.counts().size());
  for (const auto& [packed, count] : histogram.counts()) {
    colors.push_back({{static_cast<uint8_t>(packed >> 16), static_cast<uint8_t>(packed >> 8),
                       static_cast<uint8_t>(packed)},
                      count});
  }
  if (colors.empty()) {
    return Palette{cv::Vec3b(0, 0, 0)};
  }
  // Sorted input makes the result independent of the hash map's iteration order.
  std::sort(colors.begin(), colors.end(),
            [](const ColorCount& a, const ColorCount& b) { return a.rgb < b.rgb; });
  std::vector<Box> boxes{Box{0, colors.size()}};
  measure(boxes.front(), colors);
  while (static_cast<int>(boxes.size()) < max_colors) {
    // Split the box whose widest channel is widest; ties go to the box holding more pixels.
    auto widest = std::max_element(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) {
      return a.width != b.width ? a.width < b.width : a.pixels < b.pixels;
    });
    if (widest->width <= 0) {
      break;  // every box is a single colour
    }
    Box& box = *widest;
    const int c = box.widest_channel;
    std::sort(colors.begin() + box.begin, colors.begin() + box.end,
              [c](const ColorCount& a, const ColorCount& b) { return a.rgb[c] < b.rgb[c]; });
    uint64_t half = 0;
    size_t split = box.begin;
    while (split < box.end - 1 && (half + colors[split].count) * 2 <= box.pixels) {
      half += colors[split].count;
      ++split;
    }
    split = std::max(split, box.begin + 1);
    Box upper{split, box.end};
    box.end = split;
    measure(box, colors);
    measure(upper, colors);
    boxes.push_back(upper);
  }
  Palette palette;
  palette.reserve(boxes.size());
  for (const Box& box : boxes) {
    palette.push_back(mean_color(box, colors));
  }
  return palette;
}

PaletteMapper::PaletteMapper(const Palette& palette) : palette_(palette) {
  if (palette_.empty() || palette_.size() > 256) {
    throw Error("palette must have 1 to 256 colours");
  }
}

uint8_t PaletteMapper::nearest(uint32_t packed) {
  auto found = cache_.find(packed);
  if (found != cache_.end()) {
    return found->second;
  }
  const int r = static_cast<int>(packed >> 16);
  const int g = static_cast<int>((packed >> 8) & 0xff);
  const int b = static_cast<int>(packed & 0xff);
  int best = 0;
  int best_distance = 1 << 30;
  for (size_t i = 0; i < palette_.size(); ++i) {
    const int dr = r - palette_[i][0];
    const int dg = g - palette_[i][1];
    const int db = b - palette_[i][2];
    const int distance = dr * dr + dg * dg + db * db;
    if (distance < best_distance) {
      best_distance = distance;
      best = static_cast<int>(i);
    }
  }
  cache_.emplace(packed, static_cast<uint8_t>(best));
  return static_cast<uint8_t>(best);
}

std::vector<uint8_t> PaletteMapper::map(const cv::Mat& rgb) {
  CV_Assert(rgb.type() == CV_8UC3);
  std::vector<uint8_t> indices(rgb.total());
  size_t at = 0;
  for (int y = 0; y < rgb.rows; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(y);
    for (int x = 0; x < rgb.cols; ++x) {
      indices[at++] = nearest(pack(row + 3 * x));
    }
  }
  return indices;
}

}  // namespace emergence
