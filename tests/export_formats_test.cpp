// Each export format, written from a synthetic noisy-to-clean run and read back with an
// independent decoder: frame count, size, timing where the format has it, and frame order (the
// first picture must be noisier than the last).
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <webp/demux.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/media/export/contact_sheet.h"
#include "core/media/export/frame_renderer.h"
#include "core/media/export/png_text.h"
#include "core/media/export/trajectory_export.h"
#include "export_synthetic.h"

namespace emergence {
namespace {

using test::read_bytes;
using test::synthetic_trajectory;
using test::TempFolder;
using test::total_variation;

ExportSettings settings_for(ExportFormat format, const TempFolder& folder) {
  ExportSettings s;
  s.format = format;
  s.directory = folder.path();
  s.base_name = "run";
  s.scale = 3;
  return s;
}

// Decoded GIF frames as RGB mats, with their delays in centiseconds.
struct DecodedGif {
  int width = 0;
  int height = 0;
  std::vector<cv::Mat> frames;
  std::vector<int> delays_cs;
  std::string comment;
};

DecodedGif decode_gif(const std::string& path) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  EXPECT_NE(gif, nullptr) << GifErrorString(error);
  DecodedGif out;
  if (!gif) {
    return out;
  }
  EXPECT_EQ(DGifSlurp(gif), GIF_OK);
  out.width = gif->SWidth;
  out.height = gif->SHeight;
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& image = gif->SavedImages[i];
    const ColorMapObject* map =
        image.ImageDesc.ColorMap ? image.ImageDesc.ColorMap : gif->SColorMap;
    cv::Mat rgb(image.ImageDesc.Height, image.ImageDesc.Width, CV_8UC3);
    for (int p = 0; p < image.ImageDesc.Width * image.ImageDesc.Height; ++p) {
      const GifColorType& c = map->Colors[image.RasterBits[p]];
      rgb.at<cv::Vec3b>(p / image.ImageDesc.Width, p % image.ImageDesc.Width) =
          cv::Vec3b(c.Red, c.Green, c.Blue);
    }
    out.frames.push_back(rgb);
    GraphicsControlBlock gcb;
    EXPECT_EQ(DGifSavedExtensionToGCB(gif, i, &gcb), GIF_OK);
    out.delays_cs.push_back(gcb.DelayTime);
    for (int e = 0; e < image.ExtensionBlockCount; ++e) {
      if (image.ExtensionBlocks[e].Function == COMMENT_EXT_FUNC_CODE) {
        out.comment.append(reinterpret_cast<const char*>(image.ExtensionBlocks[e].Bytes),
                           image.ExtensionBlocks[e].ByteCount);
      }
    }
  }
  DGifCloseFile(gif, &error);
  return out;
}

void expect_noisy_to_clean(const std::vector<cv::Mat>& frames) {
  ASSERT_GE(frames.size(), 2u);
  EXPECT_GT(total_variation(frames.front()), 2.0 * total_variation(frames.back()));
}

TEST(ExportFormats, PngSequenceHasEveryStrideFrameInOrderWithParameters) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  ExportSettings s = settings_for(ExportFormat::PngSequence, folder);
  s.stride = 3;  // frames 0, 3, 6 and the last, 8
  const ExportResult result = export_trajectory(t, s);
  EXPECT_EQ(result.frames, 4);
  EXPECT_EQ(folder.entries(),
            (std::vector<std::string>{"run_0000.png", "run_0001.png", "run_0002.png",
                                      "run_0003.png", "run_frames.json"}));
  std::vector<cv::Mat> frames;
  double previous_tv = 1e9;
  for (int i = 0; i < 4; ++i) {
    const std::string path = folder.file("run_000" + std::to_string(i) + ".png");
    const cv::Mat image = cv::imread(path, cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(image.empty()) << path;
    EXPECT_EQ(image.cols, 48);
    EXPECT_EQ(image.rows, 48);
    EXPECT_LT(total_variation(image), previous_tv) << "frame " << i << " is out of order";
    previous_tv = total_variation(image);
    const auto text = read_png_text(read_bytes(path));
    ASSERT_EQ(text.count("parameters"), 1u);
    EXPECT_EQ(text.at("parameters"), to_parameters_line(t.params));
    frames.push_back(image);
  }
  expect_noisy_to_clean(frames);
  const auto sidecar = nlohmann::json::parse(read_bytes(folder.file("run_frames.json")));
  EXPECT_EQ(sidecar.at("generation"), to_json(t.params));
  EXPECT_EQ(sidecar.at("export").at("stride"), 3);
  ASSERT_EQ(sidecar.at("steps").size(), 4u);
  EXPECT_EQ(sidecar.at("steps")[3].at("index"), 8);
  EXPECT_EQ(sidecar.at("steps")[3].at("file"), "run_0003.png");
}

TEST(ExportFormats, GifHasFramesDelaysHoldAndComment) {
  for (bool global_palette : {false, true}) {
    TempFolder folder;
    const Trajectory t = synthetic_trajectory(9);
    ExportSettings s = settings_for(ExportFormat::Gif, folder);
    s.stride = 2;  // 0, 2, 4, 6, 8
    s.frame_delay_ms = 80;
    s.hold_last_ms = 1500;
    s.global_palette = global_palette;
    export_trajectory(t, s);
    const DecodedGif gif = decode_gif(folder.file("run.gif"));
    EXPECT_EQ(gif.width, 48);
    EXPECT_EQ(gif.height, 48);
    ASSERT_EQ(gif.frames.size(), 5u) << "global palette " << global_palette;
    EXPECT_EQ(gif.delays_cs, (std::vector<int>{8, 8, 8, 8, 158}));
    EXPECT_EQ(gif.comment, to_parameters_line(t.params));
    expect_noisy_to_clean(gif.frames);
    // The clean end of the run has few colours, so a per-frame palette holds it exactly.
    if (!global_palette) {
      const cv::Mat expected = render_frame(*t.frames.back(), s);
      EXPECT_EQ(cv::norm(gif.frames.back(), expected, cv::NORM_INF), 0.0);
    }
  }
}

TEST(ExportFormats, Mp4HasEveryFramePlusTheHold) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  ExportSettings s = settings_for(ExportFormat::Mp4, folder);
  s.scale = 5;  // 80×80
  s.frame_delay_ms = 100;
  s.hold_last_ms = 500;
  const ExportResult result = export_trajectory(t, s);
  EXPECT_FALSE(result.codec.empty());
  cv::VideoCapture video(folder.file("run.mp4"), cv::CAP_FFMPEG);
  ASSERT_TRUE(video.isOpened());
  std::vector<cv::Mat> frames;
  cv::Mat frame;
  while (video.read(frame)) {
    frames.push_back(frame.clone());
  }
  ASSERT_EQ(frames.size(), 9u + 5u);
  EXPECT_EQ(frames.front().cols, 80);
  EXPECT_EQ(frames.front().rows, 80);
  EXPECT_NEAR(video.get(cv::CAP_PROP_FPS), 10.0, 1e-6);
  frames.resize(9);
  expect_noisy_to_clean(frames);
  const auto sidecar = nlohmann::json::parse(read_bytes(folder.file("run.mp4.json")));
  EXPECT_EQ(sidecar.at("export").at("codec"), result.codec);
}

TEST(ExportFormats, Mp4PadsOddSizesToEven) {
  TempFolder folder;
  ExportSettings s = settings_for(ExportFormat::Mp4, folder);
  s.scale = 3;
  const ExportResult result = export_trajectory(synthetic_trajectory(3, 15), s);  // 45×45
  EXPECT_EQ(result.width, 46);
  EXPECT_EQ(result.height, 46);
  cv::VideoCapture video(folder.file("run.mp4"), cv::CAP_FFMPEG);
  cv::Mat frame;
  ASSERT_TRUE(video.read(frame));
  EXPECT_EQ(frame.cols, 46);
}

TEST(ExportFormats, WebPHasEveryFrameInOrder) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  ExportSettings s = settings_for(ExportFormat::WebP, folder);
  s.stride = 4;  // 0, 4, 8
  s.frame_delay_ms = 120;
  s.hold_last_ms = 1000;
  export_trajectory(t, s);
  const std::vector<uint8_t> bytes = read_bytes(folder.file("run.webp"));
  WebPData data{bytes.data(), bytes.size()};
  WebPAnimDecoderOptions options;
  ASSERT_TRUE(WebPAnimDecoderOptionsInit(&options));
  options.color_mode = MODE_RGBA;  // the animation decoder only gives 4-channel output
  std::unique_ptr<WebPAnimDecoder, void (*)(WebPAnimDecoder*)> decoder(
      WebPAnimDecoderNew(&data, &options), WebPAnimDecoderDelete);
  ASSERT_NE(decoder, nullptr);
  WebPAnimInfo info;
  ASSERT_TRUE(WebPAnimDecoderGetInfo(decoder.get(), &info));
  EXPECT_EQ(info.frame_count, 3u);
  EXPECT_EQ(info.canvas_width, 48u);
  EXPECT_EQ(info.canvas_height, 48u);
  EXPECT_EQ(info.loop_count, 0u);
  std::vector<cv::Mat> frames;
  std::vector<int> timestamps;
  while (WebPAnimDecoderHasMoreFrames(decoder.get())) {
    uint8_t* pixels = nullptr;
    int timestamp = 0;
    ASSERT_TRUE(WebPAnimDecoderGetNext(decoder.get(), &pixels, &timestamp));
    cv::Mat rgb;
    cv::cvtColor(cv::Mat(48, 48, CV_8UC4, pixels), rgb, cv::COLOR_RGBA2RGB);
    frames.push_back(rgb);
    timestamps.push_back(timestamp);
  }
  EXPECT_EQ(timestamps, (std::vector<int>{120, 240, 1360}));  // each frame's end time
  expect_noisy_to_clean(frames);
  // Lossless: the decoded last frame is exactly the rendered one.
  EXPECT_EQ(cv::norm(frames.back(), render_frame(*t.frames.back(), s), cv::NORM_INF), 0.0);
}

TEST(ExportFormats, ContactSheetShowsTheSelectedStepsWithCaptions) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  ExportSettings s = settings_for(ExportFormat::ContactSheet, folder);
  s.stride = 2;  // five cells: a 3×2 grid
  const ExportResult result = export_trajectory(t, s);
  const cv::Mat sheet = cv::imread(folder.file("run_sheet.png"));
  ASSERT_FALSE(sheet.empty());
  std::vector<const TrajectoryFrame*> chosen;
  for (int i : {0, 2, 4, 6, 8}) {
    chosen.push_back(t.frames[i].get());
  }
  const cv::Size expected = contact_sheet_size(chosen, s);
  EXPECT_EQ(sheet.cols, expected.width);
  EXPECT_EQ(sheet.rows, expected.height);
  EXPECT_EQ(result.width, expected.width);
  EXPECT_GT(sheet.cols, 3 * 48);
  EXPECT_GT(sheet.rows, 2 * 48);
  EXPECT_EQ(read_png_text(read_bytes(folder.file("run_sheet.png"))).at("parameters"),
            to_parameters_line(t.params));
}

TEST(ExportFormats, StillIsTheFinalImageExactly) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  ExportSettings s = settings_for(ExportFormat::Still, folder);
  s.scale = 1;
  export_trajectory(t, s);
  const cv::Mat still = cv::imread(folder.file("run.png"));
  ASSERT_FALSE(still.empty());
  cv::Mat rgb;
  cv::cvtColor(still, rgb, cv::COLOR_BGR2RGB);
  EXPECT_EQ(to_image8(rgb).pixels, t.frames.back()->view(View::NoisyState).pixels);
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"run.png", "run.png.json"}));
}

TEST(ExportFormats, PairViewPutsNoisyAndCleanSideBySideWithLabelAndBar) {
  const Trajectory t = synthetic_trajectory(5, 32);
  ExportSettings s;
  s.view = ExportView::Pair;
  s.scale = 4;
  s.step_label = true;
  s.progress_bar = true;
  const cv::Mat first = render_frame(*t.frames.front(), s);
  EXPECT_EQ(first.cols, 2 * 128 + 4);
  EXPECT_EQ(first.rows, 128);
  EXPECT_EQ(first.size(), rendered_size(*t.frames.front(), s));
  // The progress bar is empty on the first frame and full on the last.
  const cv::Mat last = render_frame(*t.frames.back(), s);
  const cv::Vec3b bar_colour(255, 196, 0);
  EXPECT_NE(first.at<cv::Vec3b>(127, first.cols - 2), bar_colour);
  EXPECT_EQ(last.at<cv::Vec3b>(127, last.cols - 2), bar_colour);
  // The label draws over the top-left corner of the clean picture's plain render.
  s.step_label = false;
  EXPECT_GT(cv::norm(last, render_frame(*t.frames.back(), s), cv::NORM_L1), 0.0);
}

TEST(ExportFormats, EachViewRendersItsOwnImageUpscaledCrisply) {
  const Trajectory t = synthetic_trajectory(5);
  const TrajectoryFrame& frame = *t.frames[2];
  const std::pair<ExportView, View> views[] = {{ExportView::NoisyState, View::NoisyState},
                                               {ExportView::CleanGuess, View::CleanGuess},
                                               {ExportView::Noise, View::Noise},
                                               {ExportView::Update, View::Update}};
  for (const auto& [exported, recorded] : views) {
    ExportSettings s;
    s.view = exported;
    s.scale = 3;
    const cv::Mat picture = render_frame(frame, s);
    const cv::Mat source = to_rgb_mat(frame.view(recorded));
    ASSERT_EQ(picture.size(), cv::Size(48, 48)) << to_string(exported);
    // Nearest-neighbour: every 3×3 block is one source pixel.
    for (int y = 0; y < 48; ++y) {
      for (int x = 0; x < 48; ++x) {
        ASSERT_EQ(picture.at<cv::Vec3b>(y, x), source.at<cv::Vec3b>(y / 3, x / 3))
            << to_string(exported) << " at " << x << "," << y;
      }
    }
    s.smooth = true;
    EXPECT_GT(cv::norm(render_frame(frame, s), picture, cv::NORM_L1), 0.0) << to_string(exported);
  }
}

TEST(ExportFormats, EstimateMatchesTheRealExportRoughly) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  for (ExportFormat format : {ExportFormat::PngSequence, ExportFormat::Gif, ExportFormat::WebP}) {
    ExportSettings s = settings_for(format, folder);
    s.overwrite = true;
    const ExportEstimate estimate = estimate_export(t, s);
    const ExportResult result = export_trajectory(t, s);
    EXPECT_EQ(estimate.frames, result.frames) << to_string(format);
    EXPECT_EQ(estimate.width, result.width) << to_string(format);
    EXPECT_GT(estimate.bytes, result.bytes / 2) << to_string(format);
    EXPECT_LT(estimate.bytes, result.bytes * 2) << to_string(format);
  }
}

}  // namespace
}  // namespace emergence
