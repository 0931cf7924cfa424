// A tiny random-weight Stable Diffusion 1 pipeline folder (tests/data/sd/tiny_sd1) against the
// 4-step run diffusers v0.35.2 made of it (tests/data/sd/tiny_sd1_run): the seed's latent, the
// prompt embeddings, every step, the final latent and image, through the API and the CLI; and
// folders that are not SD 1/2 models, refused with a message that says why.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/generate_command.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/media/export/png_text.h"
#include "core/media/image_file.h"
#include "core/npy.h"
#include "core/parameters_import.h"
#include "core/sd/model_loading.h"
#include "core/sd/stable_diffusion_model.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::data_path;

const std::string kPrompt = "a watercolor fox in the snow";
const std::string kNegative = "blurry, low quality";
constexpr uint64_t kSeed = 12400;

std::string run_file(const std::string& name) { return data_path("sd/tiny_sd1_run/" + name); }

GenerationParams tiny_run(const ModelInfo& info) {
  GenerationParams p;
  p.model_name = info.name;
  p.sampler = "ddim";
  p.steps = 4;
  p.spacing = info.scheduler.sampler.selection.spacing;
  p.seed = kSeed;
  p.guidance_scale = 7.5;
  p.prompt = kPrompt;
  p.negative_prompt = kNegative;
  p.width = 64;
  p.height = 64;
  p.diffusers_exact = true;
  return p;
}

class FrameCollector : public SamplingObserver {
 public:
  void on_frame(const StepFrame& frame) override { frames.push_back(frame); }
  std::vector<StepFrame> frames;
};

int worst_level_difference(const Image8& a, const Image8& b) {
  EXPECT_EQ(a.pixels.size(), b.pixels.size());
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size() && i < b.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

TEST(StableDiffusionPipeline, SeedPromptAndEveryStepMatchDiffusers) {
  const auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  const ModelInfo& info = model->info();
  EXPECT_EQ(info.latent_scale, 8);
  EXPECT_TRUE(info.takes_prompt);
  const GenerationParams p = tiny_run(info);

  EXPECT_TRUE(torch::equal(initial_noise_for(info, p), read_npy(run_file("latents_init.npy"))));
  const auto ids = read_npy(run_file("prompt_ids.npy")).flatten();
  EXPECT_TRUE(torch::equal(torch::tensor(model->tokenize(kPrompt).ids, torch::kInt64), ids));
  EXPECT_LT(test::max_scaled_error(model->text_context(kPrompt, 0),
                                   read_npy(run_file("prompt_embeds.npy"))),
            1e-5);
  EXPECT_LT(test::max_scaled_error(model->text_context(kNegative, 0),
                                   read_npy(run_file("negative_prompt_embeds.npy"))),
            1e-5);

  FrameCollector frames;
  GenerationRequest request;
  request.params = p;
  request.observer = &frames;
  const SamplingResult result = generate(*model, request);
  ASSERT_EQ(frames.frames.size(), 5u);
  const torch::Tensor steps = read_npy(run_file("step_latents.npy"));
  const torch::Tensor x0 = read_npy(run_file("pred_original_sample.npy"));
  for (int i = 0; i < 4; ++i) {
    const double latent_error = test::max_scaled_error(frames.frames[i + 1].x_t, steps[i]);
    const double x0_error = test::max_scaled_error(frames.frames[i + 1].x0, x0[i]);
    EXPECT_LT(latent_error, 1e-4) << "step " << i;
    EXPECT_LT(x0_error, 1e-4) << "step " << i;
    std::printf("[ parity ] step %d: latent %.3g, x0 %.3g (max |a-b|/max(1,|ref|))\n", i + 1,
                latent_error, x0_error);
  }
  EXPECT_LT(test::max_scaled_error(result.latent, read_npy(run_file("final_latents.npy"))), 1e-4);
  const torch::Tensor decoded = model->decode(result.latent);
  const double decode_error =
      test::max_scaled_error(decoded, read_npy(run_file("vae_decoded.npy")));
  EXPECT_LT(decode_error, 1e-4);
  const int levels = worst_level_difference(to_image8(decoded), read_image(run_file("image.png")));
  EXPECT_LE(levels, 1);
  std::printf("[ parity ] decode %.3g; final image within %d 8-bit level(s)\n", decode_error,
              levels);
}

TEST(StableDiffusionPipeline, GenerateCommandWritesTheImageStepsAndA1111Parameters) {
  test::TempFolder dir;
  ASSERT_EQ(app::run_generate_command({"--model",
                                       data_path("sd/tiny_sd1"),
                                       "--prompt",
                                       kPrompt,
                                       "--negative",
                                       kNegative,
                                       "--guidance",
                                       "7.5",
                                       "--steps",
                                       "4",
                                       "--sampler",
                                       "ddim",
                                       "--seed",
                                       "12400",
                                       "--width",
                                       "64",
                                       "--height",
                                       "64",
                                       "--diffusers-exact",
                                       "--save-final",
                                       dir.file("final.npy"),
                                       "--save-steps",
                                       dir.file("steps"),
                                       "--spectrum-csv",
                                       dir.file("spectrum.csv"),
                                       "--out",
                                       dir.file("image.png")}),
            0);
  EXPECT_LT(test::max_scaled_error(read_npy(dir.file("final.npy")),
                                   read_npy(run_file("final_latents.npy"))),
            1e-4);
  const Image8 image = read_image(dir.file("image.png"));
  EXPECT_EQ(image.width, 64);
  EXPECT_LE(worst_level_difference(image, read_image(run_file("image.png"))), 1);
  // --save-steps shows each latent through the RGB preview: one pixel per latent cell.
  const Image8 step = read_image(dir.file("steps/x0_0004.png"));
  EXPECT_EQ(step.width, 8);
  EXPECT_EQ(step.channels, 3);
  EXPECT_GT(fs::file_size(dir.file("spectrum.csv")), 0u);

  std::ifstream png(dir.file("image.png"), std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(png)),
                                   std::istreambuf_iterator<char>());
  const std::string text = read_png_text(bytes).at("parameters");
  const std::string expected_start = kPrompt + "\nNegative prompt: " + kNegative +
                                     "\nSteps: 4, Sampler: DDIM, Schedule type: leading, CFG "
                                     "scale: 7.5, Seed: 12400, Size: 64x64, Model hash: ";
  EXPECT_EQ(text.substr(0, expected_start.size()), expected_start) << text;
  EXPECT_NE(text.find(", Model: tiny_sd1, "), std::string::npos) << text;
  // Our A1111 reader (A1111's own parsing rules) reads the settings back.
  const ImportedParameters imported = import_a1111_parameters(text);
  EXPECT_EQ(imported.params.steps, 4);
  EXPECT_EQ(imported.params.sampler, "ddim");
  EXPECT_EQ(imported.params.seed, kSeed);
  EXPECT_EQ(imported.params.guidance_scale, 7.5);
}

TEST(StableDiffusionPipeline, BadSizesAndPromptsForPixelModelsAreRefused) {
  const auto model = load_stable_diffusion_model(data_path("sd/tiny_sd1"));
  GenerationParams p = tiny_run(model->info());
  p.width = 60;
  EXPECT_THROW(validate_generation(model->info(), p), Error);
  p.width = 64;
  p.clip_skip = 5;  // five layers: 0…4
  EXPECT_THROW(validate_generation(model->info(), p), Error);
  p.clip_skip = 0;
  p.class_label = 1;
  EXPECT_THROW(validate_generation(model->info(), p), Error);

  const auto pixel = open_model(data_path("unet/unet_small"));
  GenerationParams q;
  q.prompt = "a cat";
  try {
    validate_generation(pixel->info(), q);
    FAIL() << "a prompt for a pixel model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("takes no prompt"), std::string::npos) << e.what();
  }
}

// A copy of the tiny pipeline to break, one way per test.
class BadFolderTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(data_path("sd/tiny_sd1"), model_, fs::copy_options::recursive); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((fs::path(model_) / name).parent_path());
    std::ofstream(fs::path(model_) / name) << text;
  }
  void expect_refused(const std::string& dir, const std::vector<std::string>& parts) {
    try {
      open_model(dir);
      FAIL() << "no error for " << dir;
    } catch (const Error& e) {
      for (const std::string& part : parts) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
      }
    }
  }
  test::TempFolder folder_;
  const std::string model_ = folder_.file("model");
};

TEST_F(BadFolderTest, OtherFamiliesAreNamed) {
  write("model_index.json",
        R"({"_class_name": "StableDiffusionXLPipeline", "text_encoder": ["transformers",
           "CLIPTextModel"], "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"]})");
  expect_refused(model_, {"Stable Diffusion XL", "StableDiffusionXLPipeline", "1.x and 2.x"});
  write("model_index.json", R"({"_class_name": "FluxPipeline", "transformer": ["diffusers",
           "FluxTransformer2DModel"], "text_encoder": ["transformers", "CLIPTextModel"]})");
  expect_refused(model_, {"Flux"});
}

TEST_F(BadFolderTest, ALoraIsNotAModel) {
  const std::string lora = folder_.file("lora");
  fs::create_directories(lora);
  std::ofstream(fs::path(lora) / "pytorch_lora_weights.safetensors") << "x";
  expect_refused(lora, {"LoRA"});
  const std::string checkpoint = folder_.file("v1-5.ckpt");
  std::ofstream(checkpoint) << "pickle";
  expect_refused(checkpoint, {"pickle", "never opens", ".safetensors"});
}

TEST_F(BadFolderTest, MissingPartsAndPickleWeightsAreNamed) {
  fs::remove_all(fs::path(model_) / "vae");
  expect_refused(model_, {"missing", "vae/config.json"});
  fs::copy(data_path("sd/tiny_sd1/vae"), fs::path(model_) / "vae", fs::copy_options::recursive);
  fs::rename(fs::path(model_) / "unet" / "diffusion_pytorch_model.safetensors",
             fs::path(model_) / "unet" / "diffusion_pytorch_model.bin");
  expect_refused(model_, {"pickle", "diffusion_pytorch_model.bin", "never opens"});
  fs::remove(fs::path(model_) / "tokenizer" / "merges.txt");
  fs::rename(fs::path(model_) / "unet" / "diffusion_pytorch_model.bin",
             fs::path(model_) / "unet" / "diffusion_pytorch_model.safetensors");
  expect_refused(model_, {"merges.txt"});
}

TEST_F(BadFolderTest, TruncatedAndLyingWeightsAreNamed) {
  const fs::path weights = fs::path(model_) / "unet" / "diffusion_pytorch_model.safetensors";
  fs::resize_file(weights, fs::file_size(weights) / 2);
  expect_refused(model_, {weights.string(), "outside the data section"});
  // The VAE's weights where the UNet's belong: the names do not fit its config.
  fs::copy_file(fs::path(model_) / "vae" / "diffusion_pytorch_model.safetensors", weights,
                fs::copy_options::overwrite_existing);
  expect_refused(model_, {weights.string(), "does not match unet/config.json", "missing tensors"});
}

TEST_F(BadFolderTest, MismatchedPartsAreNamed) {
  nlohmann::json text =
      nlohmann::json::parse(std::ifstream(fs::path(model_) / "text_encoder" / "config.json"));
  text["hidden_size"] = 32;
  write("text_encoder/config.json", text.dump());
  expect_refused(model_, {"16-wide", "32-wide"});
}

}  // namespace
}  // namespace emergence
