#pragma once

#include <opencv2/core/mat.hpp>
#include <string>

#include "core/display_image.h"
#include "core/media/export/png_text.h"

namespace emergence {

// Writes PNG (or any format OpenCV knows by the extension), replacing path atomically
// (write_file_atomically), so neither a failure nor a crash leaves a truncated file under the
// final name. Errors name the path and the reason.
// `text` goes into PNG text chunks when the file is an RGB .png (other formats have no place for
// it and are written without).
void write_image(const std::string& path, const Image8& image, const PngText& text = {});
// Whether write_image can encode the format path's extension names (.png, .jpg, .webp, …).
bool can_write_image_format(const std::string& path);
// Error naming path and the reason (no such file, a folder, no permission) unless it is a file
// that can be opened: checked before OpenCV, whose own warning would say less.
void check_image_readable(const std::string& path);
// An 8-bit mat of 1, 3 or 4 channels as an Image8, its channels in the order the mat has them.
Image8 to_image8(const cv::Mat& mat);
// Reads an image file as 8-bit RGB or RGBA; errors name the path.
Image8 read_image(const std::string& path);

}  // namespace emergence
