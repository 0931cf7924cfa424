#pragma once

#include <string>
#include <vector>

#include "core/display_image.h"

namespace emergence::app {

// A figure of captioned cells: each cell is a row of equally sized tiles (the seeds of one class)
// enlarged `scale` times, its caption (the class name) beneath, cells `columns` to a row on white.
// Needs a QGuiApplication (ensure_gui_application) for the font.
Image8 make_labelled_grid(const std::vector<std::vector<Image8>>& cells,
                          const std::vector<std::string>& captions, int columns, int scale);

}  // namespace emergence::app
