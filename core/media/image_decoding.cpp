#include "image_decoding.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "core/error.h"
#include "core/media/image_file.h"

namespace emergence {
namespace {

constexpr size_t kSniffBytes = 144;

bool starts_with(const std::string& head, const char* magic, size_t length, size_t offset = 0) {
  return head.size() >= offset + length && std::memcmp(head.data() + offset, magic, length) == 0;
}

// The format the magic bytes announce, or empty. Each check is the format's own signature
// (PNG spec §5.2, JFIF SOI marker, RIFF/WEBP container, BMP "BM", TIFF 6.0 byte-order header).
std::string sniff_format(const std::string& head) {
  if (starts_with(head, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts_with(head, "\xff\xd8\xff", 3)) return "JPEG";
  if (starts_with(head, "RIFF", 4) && starts_with(head, "WEBP", 4, 8)) return "WebP";
  if (starts_with(head, "BM", 2)) return "BMP";
  if (starts_with(head, "II*\0", 4) || starts_with(head, "MM\0*", 4)) return "TIFF";
  return {};
}

// OpenCV picks the first decoder whose signature check accepts the file. When the announced
// format's own decoder declines (libwebp rejects a broken WebP header, for instance), the file
// falls through to the decoders whose signatures sit past the first bytes: DICOM ("DICM" at 128)
// and GDAL's DTED ("DTED" at 140). A file carrying either is refused.
const char* foreign_signature(const std::string& head) {
  if (starts_with(head, "DICM", 4, 128)) return "a DICOM signature";
  if (starts_with(head, "DTED", 4, 140)) return "a DTED signature";
  return nullptr;
}

}  // namespace

cv::Mat decode_image_file(const std::string& path) {
  check_image_readable(path);
  std::string head(kSniffBytes, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  const std::string format = sniff_format(head);
  if (format.empty()) {
    throw Error("cannot read image " + path + ": not a PNG, JPEG, WebP, BMP or TIFF file");
  }
  if (const char* foreign = foreign_signature(head)) {
    throw Error("cannot read image " + path + ": it starts like " + format + " but carries " +
                foreign + ", so it is not decoded");
  }
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    mat = cv::Mat();
  }
  if (mat.empty()) {
    throw Error("cannot read image " + path + ": a damaged or unsupported " + format + " file");
  }
  return mat;
}

bool has_image_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::array<const char*, 7> known = {".png", ".jpg", ".jpeg", ".webp",
                                                   ".bmp", ".tif", ".tiff"};
  return std::find(known.begin(), known.end(), ext) != known.end();
}

}  // namespace emergence
