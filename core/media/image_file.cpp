#include "image_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/media/image_decoding.h"

namespace emergence {
namespace {

cv::Mat to_bgr_mat(const Image8& image) {
  if (image.empty() || image.width <= 0 || image.height <= 0) {
    throw Error("cannot write an empty image");
  }
  const int type = CV_8UC(image.channels);
  cv::Mat rgb(image.height, image.width, type, const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat out;
  switch (image.channels) {
    case 1:
      out = rgb.clone();
      break;
    case 3:
      cv::cvtColor(rgb, out, cv::COLOR_RGB2BGR);
      break;
    case 4:
      cv::cvtColor(rgb, out, cv::COLOR_RGBA2BGRA);
      break;
    default:
      throw Error("images must have 1, 3 or 4 channels");
  }
  return out;
}

}  // namespace

void write_image(const std::string& path, const Image8& image, const PngText& text) {
  const cv::Mat mat = to_bgr_mat(image);
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<uint8_t> bytes;
  if (!text.empty() && ext == ".png" && image.channels == 3) {
    const cv::Mat rgb(image.height, image.width, CV_8UC3,
                      const_cast<uint8_t*>(image.pixels.data()));
    bytes = encode_png_with_text(rgb, text);
  } else {
    bool ok = false;
    try {
      ok = cv::imencode(ext, mat, bytes);
    } catch (const cv::Exception&) {
      ok = false;
    }
    if (!ok) {
      throw Error("cannot write " + path + ": OpenCV cannot encode " +
                  (ext.empty() ? std::string("a file without an extension") : ext + " images"));
    }
  }
  write_file_atomically(path, bytes.data(), bytes.size());
}

bool can_write_image_format(const std::string& path) {
  try {
    return std::filesystem::path(path).has_extension() && cv::haveImageWriter(path);
  } catch (const cv::Exception&) {
    return false;
  }
}

void check_image_readable(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    throw Error("cannot read image " + path + ": no such file");
  }
  if (std::filesystem::is_directory(status)) {
    throw Error("cannot read image " + path + ": it is a folder");
  }
  if (!std::ifstream(path, std::ios::binary)) {
    throw Error("cannot read image " + path + ": the file cannot be opened (permissions?)");
  }
}

Image8 read_image(const std::string& path) {
  cv::Mat mat = decode_image_file(path);
  if (mat.depth() != CV_8U) {
    mat.convertTo(mat, CV_8U, mat.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
  }
  cv::Mat rgb;
  switch (mat.channels()) {
    case 1:
      cv::cvtColor(mat, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(mat, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(mat, rgb, cv::COLOR_BGRA2RGBA);
      break;
    default:
      throw Error("image " + path + " has an unsupported channel count");
  }
  return to_image8(rgb);
}

Image8 to_image8(const cv::Mat& mat) {
  CV_Assert(mat.depth() == CV_8U &&
            (mat.channels() == 1 || mat.channels() == 3 || mat.channels() == 4));
  const cv::Mat dense = mat.isContinuous() ? mat : mat.clone();
  Image8 image;
  image.width = dense.cols;
  image.height = dense.rows;
  image.channels = dense.channels();
  image.pixels.assign(dense.data, dense.data + dense.total() * dense.elemSize());
  return image;
}

}  // namespace emergence
