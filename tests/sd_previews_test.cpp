// TAESD previews of x̂0 every few steps (DecodedPreviewObserver, PreviewDecodeSchedule) on the
// tiny SD 1 folder with the real-size TAESD fixture (tests/data/sd/taesd_default); TAESD files
// refused; `generate --taesd`; the compute devices this build offers and its CUDA refusals.
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/generate_command.h"
#include "core/compute_device.h"
#include "core/decoded_preview_observer.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/media/image_file.h"
#include "core/sd/model_loading.h"
#include "core/sd/preview_decoder.h"
#include "core/sd/stable_diffusion_model.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::data_path;

class FrameCollector : public SamplingObserver {
 public:
  void on_frame(const StepFrame& frame) override { frames.push_back(frame); }
  std::vector<StepFrame> frames;
};

GenerationRequest tiny_request(const ModelInfo& info, int steps) {
  GenerationRequest request;
  GenerationParams& p = request.params;
  p.model_name = info.name;
  p.sampler = "ddim";
  p.steps = steps;
  p.spacing = info.scheduler.sampler.selection.spacing;
  p.seed = 7;
  p.guidance_scale = 7.5;
  p.prompt = "a fox";
  p.width = 64;
  p.height = 64;
  return request;
}

std::shared_ptr<StableDiffusionModel> tiny_sd_with_taesd() {
  auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  attach_preview_decoder(*model, data_path("sd/taesd_default"));
  return model;
}

// The frames of a run of `steps` DDIM steps through a DecodedPreviewObserver.
std::vector<StepFrame> run_frames(DiffusionModel& model, int steps, double budget) {
  FrameCollector collector;
  DecodedPreviewObserver decoded(model, &collector, budget);
  GenerationRequest request = tiny_request(model.info(), steps);
  request.observer = &decoded;
  generate(model, request);
  return collector.frames;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(PreviewDecodeSchedule, IntervalKeepsTheDecoderWithinTheBudget) {
  // SD 1.5 at 256² on 2 cores: TAESD 0.36 s, a step 2.43 s → 0.36 / 3 = 0.12 s ≤ 5 % of 2.43 s.
  EXPECT_EQ(PreviewDecodeSchedule::interval(0.36, 2.43, 0.05), 3);
  EXPECT_EQ(PreviewDecodeSchedule::interval(0.1, 2.0, 0.05), 1);
  EXPECT_EQ(PreviewDecodeSchedule::interval(0.2, 2.0, 0.05), 2);
  EXPECT_EQ(PreviewDecodeSchedule::interval(0.0, 2.0, 0.05), 1);  // not measured yet
  EXPECT_EQ(PreviewDecodeSchedule::interval(0.5, 0.0, 0.05), 1);
}

TEST(PreviewDecodeSchedule, DecodesEveryKthFrameTheLastAndNeverFrameZero) {
  PreviewDecodeSchedule schedule(0.05);
  std::vector<int> decoded;
  for (int index = 0; index <= 12; ++index) {
    if (index > 0) {
      schedule.step_took(1.0);
    }
    if (schedule.due(index, 12)) {
      decoded.push_back(index);
      schedule.decoded(index, 0.2);  // k = ceil(0.2 / 0.05) = 4
    }
  }
  EXPECT_EQ(decoded, (std::vector<int>{1, 5, 9, 12}));
  EXPECT_EQ(schedule.interval(), 4);

  // The estimate follows the latest times: a faster decoder shortens the interval.
  schedule.decoded(3, 0.04);
  EXPECT_EQ(schedule.interval(), 1);
  EXPECT_TRUE(schedule.due(4, 12));
}

TEST(DecodedPreviewObserver, DecodedFramesAreTheModelsPreviewDecodeOfX0) {
  const auto model = tiny_sd_with_taesd();
  EXPECT_EQ(model->preview_decoder(), "TAESD");
  // A budget no decoder exceeds: every frame after the first has its decode.
  const std::vector<StepFrame> frames = run_frames(*model, 4, 1e9);
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_FALSE(frames[0].x0_decoded.defined());
  EXPECT_TRUE(frames[0].decoder.empty());
  for (size_t i = 1; i < frames.size(); ++i) {
    const StepFrame& f = frames[i];
    ASSERT_TRUE(f.x0_decoded.defined()) << "frame " << i;
    EXPECT_EQ(f.decoder, "TAESD");
    EXPECT_EQ(f.x0_decoded.sizes(), (std::vector<int64_t>{1, 3, 64, 64}));
    EXPECT_EQ(f.x0_decoded.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::equal(f.x0_decoded, model->preview_decode(f.x0))) << "frame " << i;
  }
}

TEST(DecodedPreviewObserver, AnyBudgetStillDecodesTheLastFrame) {
  const auto model = tiny_sd_with_taesd();
  // A budget every decode exceeds: the first decodable frame (no times yet) and the last one.
  const std::vector<StepFrame> frames = run_frames(*model, 4, 1e-12);
  ASSERT_EQ(frames.size(), 5u);
  std::vector<int> decoded;
  for (const StepFrame& f : frames) {
    if (f.x0_decoded.defined()) {
      decoded.push_back(f.index);
    }
  }
  EXPECT_EQ(decoded, (std::vector<int>{1, 4}));
}

TEST(DecodedPreviewObserver, WithoutAPreviewDecoderFramesPassThrough) {
  const auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  EXPECT_EQ(model->preview_decoder(), "");
  const std::vector<StepFrame> frames = run_frames(*model, 3, 1e9);
  ASSERT_EQ(frames.size(), 4u);
  for (const StepFrame& f : frames) {
    EXPECT_FALSE(f.x0_decoded.defined());
    EXPECT_TRUE(f.decoder.empty());
  }
}

TEST(PreviewDecoder, BothTaesdLayoutsAndTheFoldersVaeTiny) {
  const auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  torch::manual_seed(3);
  const torch::Tensor x0 = 2 * torch::randn({1, 4, 8, 8});
  attach_preview_decoder(*model, data_path("sd/taesd_default"));
  const torch::Tensor from_folder = model->preview_decode(x0);
  // diffusers' pipeline with an AutoencoderTiny: decode(latents / scaling_factor), which is 1.0,
  // so TAESD sees the UNet's latents as they are (the VAE divides by 0.18215 first).
  const AutoencoderTiny taesd = load_autoencoder_tiny(data_path("sd/taesd_default"));
  {
    c10::InferenceMode inference;
    EXPECT_TRUE(torch::equal(from_folder, taesd->decode(x0)));
  }
  attach_preview_decoder(*model, data_path("sd/taesd_default/taesd_decoder.safetensors"));
  EXPECT_TRUE(torch::equal(model->preview_decode(x0), from_folder));

  // A pipeline folder's vae_tiny/ is its preview decoder.
  test::TempFolder dir;
  const fs::path folder = fs::path(dir.path()) / "tiny_sd1";
  fs::copy(data_path("sd/tiny_sd1"), folder, fs::copy_options::recursive);
  fs::create_directory(folder / "vae_tiny");
  for (const char* file : {"config.json", "diffusion_pytorch_model.safetensors"}) {
    fs::copy_file(fs::path(data_path("sd/taesd_default")) / file, folder / "vae_tiny" / file);
  }
  const auto with_tiny = load_stable_diffusion_model(folder.string());
  EXPECT_EQ(with_tiny->preview_decoder(), "TAESD");
  EXPECT_TRUE(torch::equal(with_tiny->preview_decode(x0), from_folder));
  // Previews do not change the model: its hash is over the files it generates with.
  EXPECT_EQ(with_tiny->info().hash, model->info().hash);
}

TEST(PreviewDecoder, WhatIsNotAFittingTaesdIsRefusedWithTheReason) {
  const auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  // taesd_test upsamples 2×; the tiny SD 1 VAE 8×.
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*model, data_path("sd/taesd_test"));
            }).find("2× its latents' size, but tiny_sd1's VAE 8×"),
            std::string::npos);
  const std::string vae = data_path("sd/tiny_sd1/vae/diffusion_pytorch_model.safetensors");
  const std::string not_taesd = error_of([&] { attach_preview_decoder(*model, vae); });
  EXPECT_EQ(not_taesd.rfind("not a TAESD decoder: " + vae, 0), 0u) << not_taesd;
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*model, data_path("sd/tiny_sd1/vae"));
            }).find("AutoencoderTiny"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*model, data_path("sd/tiny_sd1"));
            }).find("not a TAESD folder"),
            std::string::npos);
  test::TempFolder dir;
  std::ofstream(dir.file("taesd_decoder.pth")) << "pickle";
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*model, dir.file("taesd_decoder.pth"));
            }).find("never opens (unpickling can run code)"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*model, dir.file("missing"));
            }).find("no such file or folder"),
            std::string::npos);
  EXPECT_EQ(model->preview_decoder(), "");  // nothing was attached

  const auto pixel = open_model(data_path("unet/unet_small"));
  EXPECT_NE(error_of([&] {
              attach_preview_decoder(*pixel, data_path("sd/taesd_default"));
            }).find("is a pixel model"),
            std::string::npos);
}

TEST(GenerateCommand, TaesdPreviewsAreTheSavedX0Steps) {
  test::TempFolder dir;
  ASSERT_EQ(
      app::run_generate_command(
          {"--model", data_path("sd/tiny_sd1"), "--taesd", data_path("sd/taesd_default"),
           "--prompt", "a fox", "--steps", "3", "--sampler", "ddim", "--width", "64", "--height",
           "64", "--save-steps", dir.file("steps"), "--out", dir.file("image.png")}),
      0);
  // The last step always has its TAESD decode, at image size; x_t stays the latent preview.
  EXPECT_EQ(read_image(dir.file("steps/x0_0003.png")).width, 64);
  EXPECT_EQ(read_image(dir.file("steps/xt_0003.png")).width, 8);
  EXPECT_EQ(read_image(dir.file("steps/x0_0000.png")).width, 8);
  EXPECT_EQ(read_image(dir.file("image.png")).width, 64);
}

TEST(ComputeDevice, NamesAndWhatThisBuildHas) {
  EXPECT_TRUE(parse_compute_device("cpu").is_cpu());
  for (const char* bad : {"gpu", "CPU", "cuda:", "cuda:x", "cuda:-1", "cuda0", "cuda:12345", ""}) {
    EXPECT_EQ(error_of([&] { parse_compute_device(bad); }),
              "unknown device '" + std::string(bad) + "' (cpu, cuda or cuda:N)");
  }
  const std::vector<std::string> devices = available_devices();
  ASSERT_FALSE(devices.empty());
  EXPECT_EQ(devices.front(), "cpu");
  EXPECT_EQ(compute_dtype(parse_compute_device("cpu")), torch::kFloat32);
  if (devices.size() > 1) {
    EXPECT_EQ(devices[1], "cuda:0");
    EXPECT_TRUE(parse_compute_device("cuda").is_cuda());
    EXPECT_EQ(compute_dtype(parse_compute_device("cuda:0")), torch::kHalf);
  } else {
    // The CPU build (Debian's libtorch) or a CUDA build on a machine without a GPU.
    const std::string error = error_of([] { parse_compute_device("cuda"); });
    EXPECT_TRUE(error.find("libtorch without CUDA") != std::string::npos ||
                error.find("no CUDA device found") != std::string::npos)
        << error;
  }
}

TEST(ComputeDevice, TheThreeCudaRefusals) {
  using compute_device_detail::check_cuda_device;
  EXPECT_NE(error_of([] {
              check_cuda_device(0, false, 0);
            }).find("this build of Emergence uses a libtorch without CUDA"),
            std::string::npos);
  EXPECT_NE(error_of([] { check_cuda_device(0, true, 0); }).find("no CUDA device found"),
            std::string::npos);
  EXPECT_EQ(error_of([] { check_cuda_device(2, true, 2); }),
            "device 'cuda:2': there are 2 CUDA devices (cuda:0 to cuda:1)");
  EXPECT_EQ(error_of([] { check_cuda_device(1, true, 1); }),
            "device 'cuda:1': there is 1 CUDA device (cuda:0)");
  EXPECT_EQ(error_of([] { check_cuda_device(1, true, 2); }), "(no error)");
}

TEST(ComputeDevice, CommandsRefuseADeviceThisBuildLacksBeforeLoading) {
  if (available_devices().size() > 1) {
    GTEST_SKIP() << "this machine has a CUDA device";
  }
  test::TempFolder dir;
  const std::string error = error_of([&] {
    app::run_generate_command({"--model", data_path("sd/tiny_sd1"), "--prompt", "a fox", "--device",
                               "cuda", "--out", dir.file("image.png")});
  });
  EXPECT_NE(error.find("device 'cuda:0': "), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(dir.file("image.png")));
  // On the CPU every model runs, pixel models included.
  const auto pixel = open_model(data_path("unet/unet_small"));
  EXPECT_NO_THROW(move_model_to_device(*pixel, parse_compute_device("cpu")));
}

TEST(ComputeDevice, MovingToTheCpuChangesNothing) {
  const auto model = tiny_sd_with_taesd();
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({1, 4, 8, 8});
  Conditioning c;
  c.prompt = "a fox";
  c.guidance_scale = 7.5;
  const torch::Tensor before = model->denoise(x, 500, c);
  const torch::Tensor preview = model->preview_decode(x);
  move_model_to_device(*model, parse_compute_device("cpu"));
  EXPECT_TRUE(model->device().is_cpu());
  EXPECT_TRUE(torch::equal(model->denoise(x, 500, c), before));
  EXPECT_TRUE(torch::equal(model->preview_decode(x), preview));
}

// Runs only where this build has CUDA and the machine a GPU (never yet: see
// docs/stable_diffusion.md): the tiny pipeline in float16 on the GPU against float32 on the CPU.
TEST(ComputeDevice, TinyPipelineOnCudaFollowsTheCpu) {
  if (available_devices().size() < 2) {
    GTEST_SKIP() << "no CUDA device in this build or on this machine";
  }
  std::vector<std::vector<StepFrame>> runs;
  for (const char* device : {"cpu", "cuda"}) {
    const auto model = tiny_sd_with_taesd();
    move_model_to_device(*model, parse_compute_device(device));
    runs.push_back(run_frames(*model, 4, 1e9));
  }
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (size_t i = 1; i < runs[0].size(); ++i) {
    const StepFrame& cpu = runs[0][i];
    const StepFrame& cuda = runs[1][i];
    EXPECT_EQ(cuda.x_t.device().type(), torch::kCPU);
    EXPECT_EQ(cuda.x_t.scalar_type(), torch::kFloat32);
    EXPECT_LT(test::max_scaled_error(cuda.x_t, cpu.x_t), 5e-2) << "frame " << i;
    ASSERT_TRUE(cuda.x0_decoded.defined());
    EXPECT_LT(test::max_scaled_error(cuda.x0_decoded, cpu.x0_decoded), 5e-2) << "frame " << i;
  }
}

}  // namespace
}  // namespace emergence
