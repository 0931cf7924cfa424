#pragma once

#include <opencv2/core/mat.hpp>
#include <string>

namespace emergence {

// The one way Emergence decodes an image file: PNG, JPEG, WebP, BMP or TIFF, told apart by their
// first bytes before OpenCV sees the file. OpenCV would otherwise hand anything it does not
// recognise to its DICOM (GDCM) or GDAL decoders, attack surface an artist never needs: a 618-byte
// fuzzed file made GDCM ask for 4.3 GB (tests/fuzz/image/regressions). Returns OpenCV's Mat as
// decoded (BGR or BGRA order, any depth); errors name the path and the reason.
cv::Mat decode_image_file(const std::string& path);

// Whether path ends in an extension of those five formats (.png .jpg .jpeg .webp .bmp .tif
// .tiff, any case): how folders of images are listed before anything is read.
bool has_image_extension(const std::string& path);

}  // namespace emergence
