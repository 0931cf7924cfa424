// The building blocks of export: frame selection, the median-cut quantiser and PNG text chunks.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <random>

#include "core/error.h"
#include "core/media/export/color_quantizer.h"
#include "core/media/export/export_settings.h"
#include "core/media/export/frame_selection.h"
#include "core/media/export/png_text.h"

namespace emergence {
namespace {

TEST(FrameSelection, StrideAlwaysEndsOnTheLastFrame) {
  EXPECT_EQ(select_frames(10, 0, -1, 1).size(), 10u);
  EXPECT_EQ(select_frames(10, 0, -1, 4), (std::vector<int>{0, 4, 8, 9}));
  EXPECT_EQ(select_frames(10, 0, -1, 3), (std::vector<int>{0, 3, 6, 9}));
  EXPECT_EQ(select_frames(10, 2, 5, 10), (std::vector<int>{2, 5}));
  EXPECT_EQ(select_frames(1, 0, -1, 5), (std::vector<int>{0}));
  EXPECT_THROW(select_frames(10, 5, 3, 1), Error);
  EXPECT_THROW(select_frames(10, 0, 10, 1), Error);
  EXPECT_THROW(select_frames(0, 0, -1, 1), Error);
  EXPECT_THROW(select_frames(10, 0, -1, 0), Error);
}

TEST(ExportSettingsNames, ParseWhatToStringWrites) {
  for (ExportFormat f : {ExportFormat::PngSequence, ExportFormat::Gif, ExportFormat::Mp4,
                         ExportFormat::WebP, ExportFormat::ContactSheet, ExportFormat::Still}) {
    EXPECT_EQ(parse_export_format(to_string(f)), f);
  }
  for (ExportView v : {ExportView::NoisyState, ExportView::CleanGuess, ExportView::Noise,
                       ExportView::Update, ExportView::Pair}) {
    EXPECT_EQ(parse_export_view(to_string(v)), v);
  }
  EXPECT_THROW(parse_export_format("avi"), Error);
  EXPECT_THROW(parse_export_view("x1"), Error);
}

TEST(ColorQuantizer, FewColoursAreKeptExactly) {
  cv::Mat image(8, 8, CV_8UC3, cv::Scalar(10, 20, 30));
  image(cv::Rect(0, 0, 4, 8)).setTo(cv::Scalar(200, 100, 0));
  ColorHistogram histogram;
  histogram.add(image);
  const Palette palette = median_cut_palette(histogram, 256);
  ASSERT_EQ(palette.size(), 2u);
  PaletteMapper mapper(palette);
  const std::vector<uint8_t> indices = mapper.map(image);
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(palette[indices[i]], image.at<cv::Vec3b>(i / 8, i % 8));
  }
}

TEST(ColorQuantizer, ManyColoursGetAFullPaletteWithSmallError) {
  cv::Mat image(64, 64, CV_8UC3);
  std::mt19937 rng(3);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 4, y * 4, static_cast<uint8_t>(rng() % 256));
    }
  }
  ColorHistogram histogram;
  histogram.add(image);
  const Palette palette = median_cut_palette(histogram, 256);
  EXPECT_EQ(palette.size(), 256u);
  PaletteMapper mapper(palette);
  const std::vector<uint8_t> indices = mapper.map(image);
  double squared_error = 0;
  for (int i = 0; i < 64 * 64; ++i) {
    const cv::Vec3b a = image.at<cv::Vec3b>(i / 64, i % 64);
    const cv::Vec3b b = palette[indices[i]];
    for (int c = 0; c < 3; ++c) {
      squared_error += (a[c] - b[c]) * (a[c] - b[c]);
    }
  }
  // 256 boxes over a 256³ cube of uniform colours: each box is ~40 levels wide per channel, so
  // the RMS error per channel should be far below the ~74 of a single mean colour.
  EXPECT_LT(std::sqrt(squared_error / (64 * 64 * 3)), 20.0);
  EXPECT_THROW(median_cut_palette(histogram, 0), Error);
}

TEST(PngText, ChunksFollowIhdrAndReadBack) {
  const cv::Mat image(4, 5, CV_8UC3, cv::Scalar(1, 2, 3));
  const std::vector<uint8_t> png = encode_png_with_text(
      image, {{"parameters", "Steps: 10, Sampler: ddim"}, {"Title", "smile \xF0\x9F\x98\x80"}});
  EXPECT_EQ(std::string(png.begin() + 37, png.begin() + 41), "tEXt");  // right after IHDR
  const auto text = read_png_text(png);
  EXPECT_EQ(text.at("parameters"), "Steps: 10, Sampler: ddim");
  EXPECT_EQ(text.at("Title"), "smile \xF0\x9F\x98\x80");  // iTXt carries UTF-8
  // The chunks are valid: a strict decoder (libpng via OpenCV, which checks CRCs) reads it.
  const cv::Mat decoded = cv::imdecode(png, cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(decoded.empty());
  EXPECT_EQ(decoded.at<cv::Vec3b>(0, 0), cv::Vec3b(3, 2, 1));  // BGR
  EXPECT_THROW(read_png_text({1, 2, 3}), Error);
  EXPECT_THROW(encode_png_with_text(image, {{"", "x"}}), Error);
}

}  // namespace
}  // namespace emergence
