#pragma once

#include <vector>

#include "core/display_image.h"

namespace emergence {

// Tiles equally sized images row by row, `columns` per row, with `gap` pixels of mid-grey between
// them (contact sheets of datasets, sample grids), each tile enlarged `scale` times by pixel
// repetition. Errors when sizes or channel counts differ.
Image8 make_image_grid(const std::vector<Image8>& images, int columns, int gap = 2, int scale = 1);
// The columns of an about square grid of `count` tiles: ⌈√count⌉.
int square_grid_columns(int count);

}  // namespace emergence
