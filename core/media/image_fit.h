#pragma once

#include <opencv2/core/mat.hpp>
#include <string>

#include "core/display_image.h"

namespace emergence {

// How a picture of another size or shape becomes the model's: scaled to cover the model's size
// and centre-cropped, or scaled to fit inside it and centred on white (the training images' own
// background, so the padding reads as empty).
enum class ImageFit { Crop, Pad };
std::string to_string(ImageFit fit);
ImageFit parse_image_fit(const std::string& name);  // "crop" or "pad"; an Error names others

// A decoded image (OpenCV's BGR/BGRA/gray, 8 or 16 bit) fitted to width×height, INTER_AREA when
// shrinking and cubic when growing, alpha composited on white: 8-bit RGB (channels 3) or
// luminance (channels 1). The one preparation of training images, start images and masks.
Image8 fit_image(const cv::Mat& decoded, int width, int height, ImageFit fit, int channels = 3);

// A start image for a model of that size: the file decoded (decode_image_file) and fitted.
Image8 read_fitted_image(const std::string& path, int width, int height, ImageFit fit,
                         int channels);

// A mask file: white (or any light level) is repainted, black kept; transparent pixels are kept.
// Fitted like the start image, padding kept. 1-channel levels.
Image8 read_fitted_mask(const std::string& path, int width, int height, ImageFit fit);

// A mask's edge softened by a Gaussian of standard deviation sigma pixels (0: unchanged), so the
// repainted part blends into the kept one (A1111's "Mask blur").
Image8 feather_mask(const Image8& mask, double sigma);

}  // namespace emergence
