#include "image_grid.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace emergence {
namespace {

Image8 upscale(const Image8& image, int scale) {
  Image8 out;
  out.width = image.width * scale;
  out.height = image.height * scale;
  out.channels = image.channels;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      std::copy_n(image.pixels.begin() +
                      (static_cast<size_t>(y / scale) * image.width + x / scale) * image.channels,
                  image.channels,
                  out.pixels.begin() + (static_cast<size_t>(y) * out.width + x) * out.channels);
    }
  }
  return out;
}

}  // namespace

Image8 make_image_grid(const std::vector<Image8>& source, int columns, int gap, int scale) {
  if (source.empty() || columns < 1 || gap < 0 || scale < 1 || scale > 16) {
    throw Error("an image grid needs at least one image, one column, a gap ≥ 0 and a scale 1…16");
  }
  std::vector<Image8> scaled;
  if (scale > 1) {
    for (const Image8& image : source) {
      scaled.push_back(upscale(image, scale));
    }
  }
  const std::vector<Image8>& images = scale > 1 ? scaled : source;
  const Image8& first = images.front();
  const int rows = (static_cast<int>(images.size()) + columns - 1) / columns;
  const int cols = std::min(columns, static_cast<int>(images.size()));
  Image8 grid;
  grid.channels = first.channels;
  grid.width = cols * first.width + (cols + 1) * gap;
  grid.height = rows * first.height + (rows + 1) * gap;
  grid.pixels.assign(static_cast<size_t>(grid.width) * grid.height * grid.channels, 128);
  for (size_t i = 0; i < images.size(); ++i) {
    const Image8& tile = images[i];
    if (tile.width != first.width || tile.height != first.height ||
        tile.channels != first.channels) {
      throw Error("image grid: tile " + std::to_string(i) + " differs in size from the first");
    }
    const int x0 = gap + static_cast<int>(i % columns) * (first.width + gap);
    const int y0 = gap + static_cast<int>(i / columns) * (first.height + gap);
    const size_t row_bytes = static_cast<size_t>(tile.width) * tile.channels;
    for (int y = 0; y < tile.height; ++y) {
      std::copy_n(
          tile.pixels.begin() + y * row_bytes, row_bytes,
          grid.pixels.begin() + ((static_cast<size_t>(y0 + y) * grid.width + x0) * grid.channels));
    }
  }
  return grid;
}

int square_grid_columns(int count) {
  return std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
}

}  // namespace emergence
