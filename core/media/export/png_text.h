#pragma once

#include <cstdint>
#include <map>
#include <opencv2/core.hpp>
#include <string>
#include <utility>
#include <vector>

namespace emergence {

using PngText = std::vector<std::pair<std::string, std::string>>;  // keyword, text

// Encodes an RGB CV_8UC3 mat as PNG with text chunks right after IHDR (where AUTOMATIC1111 and
// image viewers look for "parameters"). ASCII text goes in tEXt, anything else in iTXt (UTF-8),
// per the PNG specification §11.3.4. OpenCV cannot write text chunks, hence the splice.
std::vector<uint8_t> encode_png_with_text(const cv::Mat& rgb, const PngText& text);
// The tEXt and uncompressed iTXt chunks of a PNG, keyword to text; Error if it is not a PNG.
std::map<std::string, std::string> read_png_text(const std::vector<uint8_t>& png);

}  // namespace emergence
