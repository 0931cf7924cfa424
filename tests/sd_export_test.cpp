// Export Steps of a latent run (tiny SD 1 with the TAESD fixture, tests/data/sd/taesd_default):
// every picture at the decoded image size, x̂0 the latest decoded x̂0 at or before each step, the
// latent→RGB views scaled up by nearest neighbour; a final VAE decode ends the export (also in
// generate --export); pixel runs export their own frames.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "app/generate_command.h"
#include "core/decoded_preview_observer.h"
#include "core/generation.h"
#include "core/media/export/exported_frame.h"
#include "core/media/export/frame_renderer.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "core/preview_observer.h"
#include "core/sd/preview_decoder.h"
#include "core/sd/stable_diffusion_model.h"
#include "export_synthetic.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;
using test::TempFolder;

class TrajectoryRecorder : public SamplingObserver {
 public:
  void on_frame(const StepFrame& frame) override {
    run.frames.push_back(make_trajectory_frame(frame));
  }
  Trajectory run;
};

// A 6-step DDIM run at 64² (8² latents) whose only TAESD decodes are steps 1 and 6: a budget
// every decode exceeds decodes the first decodable frame and the last.
Trajectory tiny_sd_run() {
  auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  attach_preview_decoder(*model, data_path("sd/taesd_default"));
  TrajectoryRecorder recorder;
  PreviewObserver previews(*model, &recorder);
  DecodedPreviewObserver decoded(*model, &previews, 1e-12);
  GenerationRequest request;
  GenerationParams& p = request.params;
  p.model_name = model->info().name;
  p.sampler = "ddim";
  p.steps = 6;
  p.spacing = model->info().scheduler.sampler.selection.spacing;
  p.seed = 7;
  p.prompt = "a fox";
  p.width = 64;
  p.height = 64;
  request.observer = &decoded;
  generate(*model, request);
  recorder.run.params = p;
  return recorder.run;
}

const Trajectory& shared_run() {
  static const Trajectory run = tiny_sd_run();
  return run;
}

cv::Mat rgb_of(const Image8& image) { return to_rgb_mat(image); }

cv::Mat read_rgb(const std::string& path) {
  cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  EXPECT_FALSE(bgr.empty()) << path;
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

double max_difference(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size()) {
    return 1e9;
  }
  return cv::norm(a, b, cv::NORM_INF);
}

// Each latent cell as an 8×8 block of its colour.
cv::Mat blocks_of(const Image8& latent_view) {
  cv::Mat out;
  cv::resize(rgb_of(latent_view), out, cv::Size(), 8, 8, cv::INTER_NEAREST);
  return out;
}

ExportSettings png_settings(const TempFolder& folder, ExportView view) {
  ExportSettings s;
  s.format = ExportFormat::PngSequence;
  s.view = view;
  s.scale = 1;
  s.directory = folder.path();
  s.base_name = "sd";
  return s;
}

TEST(SdExport, LatestDecodedIsTheNewestDecodeAtOrBeforeTheStep) {
  const Trajectory& run = shared_run();
  ASSERT_EQ(run.frames.size(), 7u);
  EXPECT_EQ(latest_decoded(run, 0), nullptr);
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(latest_decoded(run, i), run.frames[1]) << "step " << i;
  }
  EXPECT_EQ(latest_decoded(run, 6), run.frames[6]);
  EXPECT_EQ(latest_decoded(run, 99), run.frames[6]);
  EXPECT_EQ(run.frames[1]->decoder, "TAESD");
  EXPECT_EQ(run.frames[1]->view(View::CleanGuess).width, 8);  // latent→RGB: a pixel per cell
}

TEST(SdExport, CleanGuessFramesAreTheLatestDecodeAtTheImageSize) {
  const Trajectory& run = shared_run();
  TempFolder folder;
  const ExportResult result = export_trajectory(run, png_settings(folder, ExportView::CleanGuess));
  ASSERT_EQ(result.files.size(), 8u);  // 7 frames and the sidecar
  EXPECT_EQ(result.width, 64);
  EXPECT_EQ(result.height, 64);
  // Before the first decode: the latent→RGB x̂0 in 8×8 blocks.
  EXPECT_EQ(max_difference(read_rgb(result.files[0]), blocks_of(run.frames[0]->views[1])), 0.0);
  for (int i = 1; i <= 6; ++i) {
    const int decoded = i < 6 ? 1 : 6;
    EXPECT_EQ(max_difference(read_rgb(result.files[static_cast<size_t>(i)]),
                             rgb_of(run.frames[static_cast<size_t>(decoded)]->decoded_x0)),
              0.0)
        << "step " << i;
  }
}

TEST(SdExport, PairShowsTheScaledUpNoisyStateBesideTheDecode) {
  const Trajectory& run = shared_run();
  TempFolder folder;
  ExportSettings s = png_settings(folder, ExportView::Pair);
  s.scale = 2;
  s.first_frame = 3;
  s.last_frame = 3;
  const ExportResult result = export_trajectory(run, s);
  const cv::Mat picture = read_rgb(result.files.front());
  ASSERT_EQ(picture.size(), cv::Size(2 * 128 + 2, 128));
  cv::Mat left;
  cv::Mat right;
  cv::resize(blocks_of(run.frames[3]->views[0]), left, cv::Size(), 2, 2, cv::INTER_NEAREST);
  cv::resize(rgb_of(run.frames[1]->decoded_x0), right, cv::Size(), 2, 2, cv::INTER_NEAREST);
  EXPECT_EQ(max_difference(picture(cv::Rect(0, 0, 128, 128)), left), 0.0);
  EXPECT_EQ(max_difference(picture(cv::Rect(130, 0, 128, 128)), right), 0.0);
}

TEST(SdExport, AVaeDecodeOfTheLastStepEndsTheExport) {
  Trajectory run = shared_run();
  Image8 vae;
  vae.width = 64;
  vae.height = 64;
  vae.channels = 3;
  vae.pixels.assign(64 * 64 * 3, 0);
  for (size_t i = 0; i < vae.pixels.size(); ++i) {
    vae.pixels[i] = static_cast<uint8_t>(i * 7 % 251);
  }
  const auto taesd_frame = run.frames[6];
  set_decoded_x0(run, 6, vae, "VAE");
  EXPECT_EQ(run.frames[6]->decoder, "VAE");
  EXPECT_EQ(taesd_frame->decoder, "TAESD");  // the recorded frame is untouched
  TempFolder folder;
  ExportSettings s = png_settings(folder, ExportView::CleanGuess);
  s.format = ExportFormat::Still;
  const ExportResult result = export_trajectory(run, s);
  EXPECT_EQ(max_difference(read_rgb(result.files.front()), rgb_of(vae)), 0.0);
}

TEST(SdExport, EveryViewAndTheEstimateHaveTheImageSize) {
  const Trajectory& run = shared_run();
  EXPECT_EQ(exported_image_size(run), cv::Size(64, 64));
  for (int i = 0; i < 7; ++i) {
    const auto frame = exported_frame(run, i);
    for (const Image8& view : frame->views) {
      EXPECT_EQ(view.width, 64) << "step " << i;
      EXPECT_EQ(view.height, 64) << "step " << i;
    }
  }
  ExportSettings s;
  s.format = ExportFormat::Gif;
  s.scale = 2;
  const ExportEstimate estimate = estimate_export(run, s);
  EXPECT_EQ(estimate.width, 128);
  EXPECT_EQ(estimate.height, 128);
}

TEST(SdExport, GenerateExportEndsOnTheFinalVaeDecode) {
  // Without TAESD the final decode is the run's only one: every frame has the image's size.
  TempFolder dir;
  ASSERT_EQ(app::run_generate_command({"--model",   data_path("sd/tiny_sd1"),
                                       "--prompt",  "a fox",
                                       "--steps",   "2",
                                       "--sampler", "ddim",
                                       "--width",   "64",
                                       "--height",  "64",
                                       "--out",     dir.file("image.png"),
                                       "--export",  "png",
                                       "--view",    "x0",
                                       "--scale",   "1"}),
            0);
  for (const char* name : {"image_0000.png", "image_0001.png"}) {
    EXPECT_EQ(read_image(dir.file(name)).width, 64) << name;
  }
  EXPECT_EQ(max_difference(read_rgb(dir.file("image_0002.png")), read_rgb(dir.file("image.png"))),
            0.0);
}

TEST(SdExport, PixelRunsExportTheirOwnFrames) {
  const Trajectory run = test::synthetic_trajectory(5, 16);
  EXPECT_EQ(exported_image_size(run), cv::Size(16, 16));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(exported_frame(run, i), run.frames[static_cast<size_t>(i)]);
    EXPECT_EQ(latest_decoded(run, i), nullptr);
  }
}

}  // namespace
}  // namespace emergence
