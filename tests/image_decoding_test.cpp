// Issue 17: images are decoded only as the five formats an artist brings (core/media/
// image_decoding.h); anything else, and the DICOM file the image fuzzer found, is refused by name
// before OpenCV's other decoders see it.
#include "core/media/image_decoding.h"

#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/media/image_file.h"
#include "core/media/image_folder.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

std::string message_of(const std::string& path) {
  try {
    decode_image_file(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "decoded";
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

Image8 gradient() {
  Image8 image;
  image.width = 8;
  image.height = 6;
  image.channels = 3;
  for (int i = 0; i < image.width * image.height * image.channels; ++i) {
    image.pixels.push_back(static_cast<uint8_t>(i * 5));
  }
  return image;
}

TEST(ImageDecoding, TheFiveFormatsAreRead) {
  test::TempFolder folder;
  for (const char* name : {"a.png", "a.jpg", "a.webp", "a.bmp", "a.tif"}) {
    write_image(folder.file(name), gradient());
    const Image8 read = read_image(folder.file(name));
    EXPECT_EQ(read.width, 8) << name;
    EXPECT_EQ(read.height, 6) << name;
  }
}

TEST(ImageDecoding, OtherFormatsOpenCvKnowsAreRefusedByName) {
  test::TempFolder folder;
  const cv::Mat gray(4, 4, CV_8UC1, cv::Scalar(128));
  const cv::Mat radiance(4, 4, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5));
  const std::vector<std::pair<std::string, cv::Mat>> files = {
      {"a.pgm", gray}, {"a.ras", gray}, {"a.pfm", radiance}, {"a.hdr", radiance}};
  for (const auto& [name, mat] : files) {
    const std::string path = folder.file(name);
    ASSERT_TRUE(cv::imwrite(path, mat)) << name;
    ASSERT_FALSE(cv::imread(path, cv::IMREAD_UNCHANGED).empty()) << "OpenCV itself reads " << name;
    EXPECT_EQ(message_of(path),
              "cannot read image " + path + ": not a PNG, JPEG, WebP, BMP or TIFF file");
  }
}

TEST(ImageDecoding, TheDicomFileTheFuzzerFoundIsRefusedBeforeGdcmSeesIt) {
  const std::string path =
      test::fuzz_dir() + "/image/regressions/dicom_behind_a_webp_header_asks_gdcm_for_4_3_gb.webp";
  EXPECT_EQ(message_of(path), "cannot read image " + path +
                                  ": it starts like WebP but carries a DICOM signature, so it is "
                                  "not decoded");
}

TEST(ImageDecoding, ADamagedFileNamesItsFormat) {
  test::TempFolder folder;
  write_bytes(folder.file("cut.png"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  EXPECT_EQ(message_of(folder.file("cut.png")),
            "cannot read image " + folder.file("cut.png") + ": a damaged or unsupported PNG file");
  write_bytes(folder.file("text.png"), "not a png");
  EXPECT_EQ(message_of(folder.file("text.png")), "cannot read image " + folder.file("text.png") +
                                                     ": not a PNG, JPEG, WebP, BMP or TIFF file");
}

TEST(ImageDecoding, ATrainingFolderSaysWhyItSkipsAFile) {
  test::TempFolder folder;
  write_image(folder.file("good.png"), gradient());
  write_bytes(folder.file("bad.png"), "not a png");
  std::ostringstream warnings;
  const ImageFolder read = load_image_folder(folder.path(), {}, warnings);
  EXPECT_EQ(read.skipped, 1);
  EXPECT_EQ(warnings.str().substr(0, warnings.str().find('\n') + 1),
            "warning: cannot read image " + folder.file("bad.png") +
                ": not a PNG, JPEG, WebP, BMP or TIFF file; skipped\n");
}

}  // namespace
}  // namespace emergence
