// Image to image (SDEdit) and inpainting on the built-in model: strength 1 is plain generation,
// a strength too small to run a step returns the input, the unmasked part ends as the input, and
// the CLI's --init-image, --strength, --fit and --mask.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/generate_command.h"
#include "core/display_image.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/image_guide.h"
#include "core/json_file.h"
#include "core/media/image_file.h"
#include "core/media/image_fit.h"
#include "core/model/unet_diffusion_model.h"
#include "core/noise_schedule.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

// The largest and the mean difference in 8-bit levels between two model-space images.
int level_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const Image8 x = to_image8(a);
  const Image8 y = to_image8(b);
  int worst = 0;
  for (size_t i = 0; i < x.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(x.pixels[i]) - int(y.pixels[i])));
  }
  return worst;
}

double mean_level_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const Image8 x = to_image8(a);
  const Image8 y = to_image8(b);
  double sum = 0;
  for (size_t i = 0; i < x.pixels.size(); ++i) {
    sum += std::abs(int(x.pixels[i]) - int(y.pixels[i]));
  }
  return sum / double(x.pixels.size());
}

class ImageToImage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = load_diffusion_model(test::builtin_model_dir()); }
  static void TearDownTestSuite() { model_.reset(); }

  static GenerationParams params(const std::string& sampler, int steps) {
    GenerationParams p;
    p.sampler = sampler;
    p.steps = steps;
    p.spacing = model_->info().scheduler.sampler.selection.spacing;
    p.class_label = 0;
    p.guidance_scale = 2.0;
    p.seed = 7;
    return p;
  }

  // A picture the model could have made: its own 20-step image of another seed, as 8-bit levels.
  static torch::Tensor picture() {
    static const torch::Tensor image = [] {
      GenerationRequest request;
      request.params = params("ddim", 20);
      request.params.seed = 3;
      return from_image8(to_image8(generate(*model_, request).latent)).unsqueeze(0);
    }();
    return image;
  }

  static torch::Tensor run(GenerationRequest request) { return generate(*model_, request).latent; }

  static inline std::shared_ptr<DiffusionModel> model_;
};

// The first test: strength 1 equals plain generation for the same seed, bit for bit.
TEST_F(ImageToImage, StrengthOneIsPlainGenerationBitForBit) {
  for (const char* sampler : {"ddim", "euler", "euler_a", "heun", "dpmpp_2m", "unipc"}) {
    GenerationRequest plain;
    plain.params = params(sampler, 12);
    GenerationRequest from_image = plain;
    set_start_image(from_image, picture());
    from_image.params.strength = 1.0;
    EXPECT_TRUE(torch::equal(run(plain), run(from_image))) << sampler;
  }
}

// Strength → 0 returns the input: under 1/N no step runs and the picture comes back exactly.
// Just above, one step from the lowest noise level runs, and what the model takes for noise in
// the picture's detail shrinks with that level: 1000 steps (t = 0) change it by 0.56 levels on
// average on the built-in model (3 at the worst pixel), 50 steps by 1.6.
TEST_F(ImageToImage, StrengthNearZeroReturnsTheInput) {
  GenerationRequest none;
  none.params = params("ddim", 50);
  set_start_image(none, picture());
  none.params.strength = 0.01;
  const SamplingResult untouched = generate(*model_, none);
  EXPECT_EQ(untouched.calls_done, 0);
  EXPECT_EQ(level_difference(untouched.latent, picture()), 0);

  for (const char* sampler : {"ddim", "euler", "dpmpp_2m"}) {
    double previous = 1e9;
    for (int steps : {50, 200, 1000}) {
      GenerationRequest one;
      one.params = params(sampler, steps);
      set_start_image(one, picture());
      one.params.strength = 1.0 / steps;
      const SamplingResult result = generate(*model_, one);
      EXPECT_EQ(result.calls_done, 1) << sampler;
      const double mean = mean_level_difference(result.latent, picture());
      EXPECT_LT(mean, previous) << sampler << " " << steps;
      previous = mean;
    }
    EXPECT_LE(previous, 1.0) << sampler;
  }
}

// diffusers' get_timesteps: 50 steps at strength 0.6 run the last 30; the two-stage samplers
// start at call 2·t_start.
TEST_F(ImageToImage, StrengthPicksTheStartStepAsDiffusersDoes) {
  const NoiseSchedule schedule(model_->info().scheduler.training);
  SamplerSettings s = sampler_settings_for(model_->info(), params("ddim", 50));
  auto ddim = make_sampler(schedule, s);
  EXPECT_EQ(first_call_for_strength(*ddim, 0.6), 20);
  EXPECT_EQ(first_call_for_strength(*ddim, 1.0), 0);
  EXPECT_EQ(first_call_for_strength(*ddim, 0.019), 50);
  s.name = "heun";
  auto heun = make_sampler(schedule, s);
  EXPECT_EQ(heun->num_calls(), 99);
  EXPECT_EQ(first_call_for_strength(*heun, 0.6), 40);
  EXPECT_EQ(first_call_for_strength(*heun, 0.01), 99);
  EXPECT_THROW(first_call_for_strength(*ddim, 0.0), Error);
  EXPECT_THROW(first_call_for_strength(*ddim, 1.5), Error);
  EXPECT_THROW(first_call_for_strength(*ddim, std::nan("")), Error);

  GenerationParams p = params("ddim", 50);
  p.init_image_hash = "x";
  p.strength = 0.6;
  EXPECT_EQ(model_calls_of_run(model_->info(), p), 30);
}

// Every sampler starts part-way: the multistep ones build their history from the first call
// they make (LMS once took its order from the call index and read history it did not have).
TEST_F(ImageToImage, EverySamplerRunsFromHalfWay) {
  for (const std::string& sampler : sampler_names()) {
    GenerationRequest request;
    request.params = params(sampler, 10);
    set_start_image(request, picture());
    request.params.strength = 0.5;
    const SamplingResult result = generate(*model_, request);
    EXPECT_GT(result.calls_done, 0) << sampler;
    EXPECT_TRUE(torch::isfinite(result.latent).all().item<bool>()) << sampler;
    // Half the schedule keeps the picture's layout: far closer to it than to another seed's.
    EXPECT_LT((result.latent - picture()).abs().mean().item<float>(), 0.5f) << sampler;
  }
}

// Inpainting leaves the unmasked pixels equal to the input (within one 8-bit level) and changes
// the masked ones, from noise (strength 1) and part-way.
TEST_F(ImageToImage, InpaintingKeepsTheUnmaskedPart) {
  torch::Tensor mask = torch::zeros({1, 1, 32, 32});
  mask.index_put_({0, 0, torch::indexing::Slice(8, 24), torch::indexing::Slice(8, 24)}, 1.0f);
  for (const char* sampler : {"ddim", "euler_a", "dpmpp_2m", "heun"}) {
    for (double strength : {1.0, 0.7}) {
      GenerationRequest request;
      request.params = params(sampler, 20);
      request.params.seed = 11;
      set_start_image(request, picture());
      request.params.strength = strength;
      request.params.mask = mask_to_hex(mask);
      const torch::Tensor out = run(request);
      const torch::Tensor keep = (mask == 0).expand_as(out);
      EXPECT_LE(level_difference(out * keep, picture() * keep), 1) << sampler << " " << strength;
      const torch::Tensor changed = ((out - picture()).abs() * (1 - keep.to(torch::kFloat32)));
      EXPECT_GT(changed.sum().item<float>() / (3 * 16 * 16), 0.05f) << sampler << " " << strength;
    }
  }
}

TEST_F(ImageToImage, ParametersRecordTheImageAndRefuseAnother) {
  GenerationRequest request;
  request.params = params("ddim", 10);
  set_start_image(request, picture());
  request.params.strength = 0.6;
  torch::Tensor mask = torch::zeros({1, 1, 32, 32});
  mask.index_put_({0, 0, 0, 0}, 0.5f);
  request.params.mask = mask_to_hex(mask);
  EXPECT_EQ(request.params.init_image_hash.size(), 64u);
  EXPECT_NE(to_parameters_line(request.params).find("Denoising strength: 0.6"), std::string::npos);

  const GenerationParams back = generation_params_from_json(to_json(request.params));
  EXPECT_EQ(back.init_image_hash, request.params.init_image_hash);
  EXPECT_EQ(back.strength, 0.6);
  EXPECT_EQ(back.mask, request.params.mask);
  EXPECT_TRUE(torch::equal(mask_from_hex(back.mask, 32, 32), (mask * 255).round() / 255));

  GenerationRequest missing;
  missing.params = back;
  try {
    run(missing);
    FAIL() << "a run recorded from an image ran without it";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--init-image"), std::string::npos) << e.what();
  }
  GenerationRequest other;
  other.params = back;
  other.init_image = picture().flip({3});
  EXPECT_THROW(run(other), Error);

  GenerationParams bad = back;
  bad.mask = "zz" + bad.mask.substr(2);
  EXPECT_THROW(validate_generation(model_->info(), bad), Error);
  bad.mask = "00";
  EXPECT_THROW(validate_generation(model_->info(), bad), Error);
  bad = back;
  bad.init_image_hash.clear();
  EXPECT_THROW(validate_generation(model_->info(), bad), Error);  // a mask without an image
  bad = back;
  bad.strength = 0;
  EXPECT_THROW(validate_generation(model_->info(), bad), Error);
}

// Fitting: crop keeps the centre, pad centres the whole picture on white.
TEST(ImageFit, CropKeepsTheCentreAndPadCentresOnWhite) {
  cv::Mat wide(20, 40, CV_8UC3, cv::Scalar(255, 0, 0));        // blue in BGR
  wide(cv::Rect(10, 0, 20, 20)).setTo(cv::Scalar(0, 0, 255));  // a red centre square
  const Image8 crop = fit_image(wide, 10, 10, ImageFit::Crop);
  ASSERT_EQ(crop.width, 10);
  ASSERT_EQ(crop.channels, 3);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(crop.pixels[3 * i], 255);  // all red, in RGB order
    EXPECT_EQ(crop.pixels[3 * i + 2], 0);
  }
  const Image8 pad = fit_image(wide, 10, 10, ImageFit::Pad);
  auto pixel = [&](int x, int y, int c) { return int(pad.pixels[3 * (y * 10 + x) + c]); };
  EXPECT_EQ(pixel(5, 0, 0), 255);  // the band above is white
  EXPECT_EQ(pixel(5, 0, 1), 255);
  EXPECT_EQ(pixel(5, 9, 2), 255);  // and the one below
  EXPECT_EQ(pixel(0, 5, 2), 255);  // the picture's blue left edge
  EXPECT_EQ(pixel(0, 5, 0), 0);
  EXPECT_EQ(pixel(5, 5, 0), 255);  // its red centre
  EXPECT_EQ(pixel(5, 5, 2), 0);
  EXPECT_THROW(parse_image_fit("stretch"), Error);
  EXPECT_THROW(fit_image(cv::Mat(), 10, 10, ImageFit::Crop), Error);
}

class ImageToImageCommand : public ::testing::Test {
 protected:
  test::TempFolder folder_;
  std::string file(const std::string& name) const { return folder_.file(name); }

  void write_picture(const std::string& name) {
    Image8 image;
    image.width = 48;
    image.height = 40;
    image.channels = 3;
    image.pixels.assign(48 * 40 * 3, 200);
    for (int i = 0; i < 48 * 40; i += 7) {
      image.pixels[3 * i] = 30;
    }
    write_image(file(name), image);
  }
};

TEST_F(ImageToImageCommand, GeneratesFromAPictureWithAMaskAndReadsItsSidecarBack) {
  write_picture("in.png");
  Image8 mask;
  mask.width = mask.height = 40;
  mask.channels = 1;
  mask.pixels.assign(40 * 40, 0);
  for (int y = 10; y < 30; ++y) {
    for (int x = 10; x < 30; ++x) {
      mask.pixels[y * 40 + x] = 255;
    }
  }
  write_image(file("mask.png"), mask);
  ASSERT_EQ(
      app::run_generate_command({"--init-image", file("in.png"), "--strength", "0.5", "--mask",
                                 file("mask.png"), "--steps", "8", "--class", "0", "--export",
                                 "png", "--export-dir", file("export"), "--out", file("out.png")}),
      0);
  const Image8 out = read_image(file("out.png"));
  const Image8 fitted = read_fitted_image(file("in.png"), 32, 32, ImageFit::Crop, 3);
  EXPECT_EQ(out.pixels[0], fitted.pixels[0]);  // a kept corner

  std::string sidecar;
  for (const auto& entry : fs::recursive_directory_iterator(file("export"))) {
    if (entry.path().extension() == ".json") {
      sidecar = entry.path().string();
    }
  }
  ASSERT_FALSE(sidecar.empty());
  const GenerationParams saved = generation_params_from_json(read_json_file(sidecar)["generation"]);
  EXPECT_EQ(saved.strength, 0.5);
  EXPECT_EQ(saved.init_image_fit, "crop");
  EXPECT_EQ(saved.mask.size(), 32u * 32u * 2u);

  // --from-json needs the picture, and only that picture.
  EXPECT_THROW(app::run_generate_command({"--from-json", sidecar, "--out", file("again.png")}),
               Error);
  write_picture("other.png");
  EXPECT_THROW(app::run_generate_command({"--from-json", sidecar, "--init-image", file("in.png"),
                                          "--fit", "pad", "--out", file("again.png")}),
               Error);
  ASSERT_EQ(app::run_generate_command({"--from-json", sidecar, "--init-image", file("in.png"),
                                       "--out", file("again.png")}),
            0);
  EXPECT_EQ(read_image(file("again.png")).pixels, out.pixels);
}

TEST_F(ImageToImageCommand, BadImageOptionsAreRefusedByName) {
  write_picture("in.png");
  auto message = [&](const std::vector<std::string>& args) {
    try {
      app::run_generate_command(args);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message({"--strength", "0.5", "--out", file("a.png")}).find("--init-image"),
            std::string::npos);
  EXPECT_NE(message({"--init-image", file("in.png"), "--strength", "2", "--out", file("a.png")})
                .find("strength"),
            std::string::npos);
  EXPECT_NE(message({"--init-image", file("in.png"), "--fit", "squash", "--out", file("a.png")})
                .find("squash"),
            std::string::npos);
  std::ofstream(file("broken.png")) << "not a picture";
  EXPECT_NE(
      message({"--init-image", file("broken.png"), "--out", file("a.png")}).find("broken.png"),
      std::string::npos);
  EXPECT_NE(
      message({"--init-image", file("missing.png"), "--out", file("a.png")}).find("missing.png"),
      std::string::npos);
  EXPECT_FALSE(fs::exists(file("a.png")));
}

}  // namespace
}  // namespace emergence
