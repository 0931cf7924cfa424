#pragma once

#include <string>

#include "core/display_image.h"

namespace emergence {

// Writes PNG (or any format OpenCV knows by the extension) through a temporary name and a rename,
// so a failed write never leaves a truncated file under the final name. Errors name the path.
void write_image(const std::string& path, const Image8& image);
// Reads an image file as 8-bit RGB or RGBA; errors name the path.
Image8 read_image(const std::string& path);

}  // namespace emergence
