#include "image_file.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

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

bool write_png_with_text(const std::string& path, const Image8& image, const PngText& text) {
  const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
  const std::vector<uint8_t> bytes = encode_png_with_text(rgb, text);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  return static_cast<bool>(out);
}

}  // namespace

void write_image(const std::string& path, const Image8& image, const PngText& text) {
  const cv::Mat mat = to_bgr_mat(image);
  const std::filesystem::path target(path);
  const std::string ext = target.extension().string();
  const std::string tmp =
      (target.parent_path() / ("." + target.filename().string() + ".part" + ext)).string();
  std::string lower_ext = ext;
  std::transform(lower_ext.begin(), lower_ext.end(), lower_ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool with_text = !text.empty() && lower_ext == ".png" && image.channels == 3;
  bool ok = false;
  try {
    ok = with_text ? write_png_with_text(tmp, image, text) : cv::imwrite(tmp, mat);
  } catch (const cv::Exception& e) {
    ok = false;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    throw Error("cannot write " + path + " (is the folder writable and the disk not full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error("cannot write " + path + ": " + ec.message());
  }
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
  // Checked first so the message says why, and OpenCV never gets to log its own warning.
  check_image_readable(path);
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    mat = cv::Mat();
  }
  if (mat.empty()) {
    throw Error("cannot read image " + path + ": not an image format OpenCV can decode");
  }
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
  Image8 image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.channels = rgb.channels();
  image.pixels.assign(rgb.data, rgb.data + rgb.total() * rgb.elemSize());
  return image;
}

}  // namespace emergence
