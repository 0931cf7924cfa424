#include "image_fit.h"

#include <opencv2/imgproc.hpp>
#include <vector>

#include "core/error.h"
#include "core/media/image_decoding.h"
#include "core/media/image_file.h"

namespace emergence {
namespace {

// 8-bit, then BGR(A) whatever the source had.
cv::Mat to_8bit_color(const cv::Mat& raw) {
  cv::Mat mat = raw;
  if (mat.depth() != CV_8U) {
    mat.convertTo(mat, CV_8U, mat.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
  }
  switch (mat.channels()) {
    case 1: {
      cv::Mat bgr;
      cv::cvtColor(mat, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    }
    case 3:
    case 4:
      return mat;
    default:
      throw Error("unsupported channel count " + std::to_string(mat.channels()));
  }
}

// Alpha over `background` (0..1 per channel) in float, back to 8-bit BGR.
cv::Mat flatten_alpha(const cv::Mat& bgra, double background) {
  cv::Mat scaled;
  bgra.convertTo(scaled, CV_32FC4, 1.0 / 255.0);
  std::vector<cv::Mat> planes;
  cv::split(scaled, planes);
  for (int c = 0; c < 3; ++c) {
    planes[c] = planes[c].mul(planes[3]) + background * (1.0 - planes[3]);
  }
  planes.pop_back();
  cv::Mat color, out;
  cv::merge(planes, color);
  color.convertTo(out, CV_8UC3, 255.0);
  return out;
}

// Scaled and cropped or padded to width×height; padding is transparent.
cv::Mat fit_geometry(const cv::Mat& mat, int width, int height, ImageFit fit) {
  const double sx = static_cast<double>(width) / mat.cols;
  const double sy = static_cast<double>(height) / mat.rows;
  cv::Mat region = mat;
  int w = width;
  int h = height;
  if (fit == ImageFit::Crop) {
    // The largest centred region of the target's shape (a square's side is the shorter one).
    const int cw = sx >= sy ? mat.cols : std::max(1, static_cast<int>(width / sy + 0.5));
    const int ch = sx >= sy ? std::max(1, static_cast<int>(height / sx + 0.5)) : mat.rows;
    region = mat(cv::Rect((mat.cols - std::min(cw, mat.cols)) / 2,
                          (mat.rows - std::min(ch, mat.rows)) / 2, std::min(cw, mat.cols),
                          std::min(ch, mat.rows)));
  } else {
    const double s = std::min(sx, sy);
    w = std::clamp(static_cast<int>(mat.cols * s + 0.5), 1, width);
    h = std::clamp(static_cast<int>(mat.rows * s + 0.5), 1, height);
  }
  cv::Mat resized;
  const bool shrinking = region.cols > w || region.rows > h;
  cv::resize(region, resized, cv::Size(w, h), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
  if (w == width && h == height) {
    return resized;
  }
  // Transparent padding, flattened onto the background afterwards.
  cv::Mat canvas(height, width, CV_8UC4, cv::Scalar::all(0));
  if (resized.channels() == 3) {
    cv::cvtColor(resized, resized, cv::COLOR_BGR2BGRA);
  }
  resized.copyTo(canvas(cv::Rect((width - w) / 2, (height - h) / 2, w, h)));
  return canvas;
}

}  // namespace

std::string to_string(ImageFit fit) { return fit == ImageFit::Crop ? "crop" : "pad"; }

ImageFit parse_image_fit(const std::string& name) {
  if (name == "crop") {
    return ImageFit::Crop;
  }
  if (name == "pad") {
    return ImageFit::Pad;
  }
  throw Error("unknown fit '" + name + "' (known: crop, pad)");
}

Image8 fit_image(const cv::Mat& decoded, int width, int height, ImageFit fit, int channels) {
  if (width < 1 || height < 1 || width > 16384 || height > 16384) {
    throw Error("cannot fit an image to " + std::to_string(width) + "×" + std::to_string(height));
  }
  if (channels != 1 && channels != 3) {
    throw Error("start images need a model with 1 or 3 channels, not " + std::to_string(channels));
  }
  if (decoded.empty()) {
    throw Error("the image is empty");
  }
  cv::Mat mat = fit_geometry(to_8bit_color(decoded), width, height, fit);
  if (mat.channels() == 4) {
    mat = flatten_alpha(mat, 1.0);
  }
  cv::Mat out;
  cv::cvtColor(mat, out, channels == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_BGR2GRAY);
  return to_image8(out);
}

namespace {

// Errors name the file (decode_image_file's already do).
template <typename Read>
Image8 naming_the_file(const std::string& path, Read read) {
  try {
    return read();
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.find(path) == std::string::npos ? path + ": " + what : what);
  }
}

}  // namespace

Image8 read_fitted_image(const std::string& path, int width, int height, ImageFit fit,
                         int channels) {
  return naming_the_file(
      path, [&] { return fit_image(decode_image_file(path), width, height, fit, channels); });
}

Image8 read_fitted_mask(const std::string& path, int width, int height, ImageFit fit) {
  return naming_the_file(path, [&] {
    cv::Mat mat = fit_geometry(to_8bit_color(decode_image_file(path)), width, height, fit);
    if (mat.channels() == 4) {
      mat = flatten_alpha(mat, 0.0);  // transparent (and padding): kept
    }
    cv::Mat gray;
    cv::cvtColor(mat, gray, cv::COLOR_BGR2GRAY);
    return to_image8(gray);
  });
}

Image8 feather_mask(const Image8& mask, double sigma) {
  if (mask.channels != 1 || mask.empty()) {
    throw Error("a mask must be a 1-channel image");
  }
  if (!(sigma >= 0.0 && sigma <= 64.0)) {
    throw Error("mask feather must be in [0, 64] pixels");
  }
  if (sigma == 0.0) {
    return mask;
  }
  const cv::Mat levels(mask.height, mask.width, CV_8UC1, const_cast<uint8_t*>(mask.pixels.data()));
  cv::Mat soft;
  cv::GaussianBlur(levels, soft, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
  return to_image8(soft);
}

}  // namespace emergence
