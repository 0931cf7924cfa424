// Model folders (bare UNet and pipeline layout), the DiffusionModel adapter with classifier-free
// guidance, and a whole DDIM run against diffusers' DDIMPipeline (tests/data/pipeline).
#include "core/model/model_folder.h"

#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/display_image.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/json_file.h"
#include "core/model/safetensors.h"
#include "core/model/unet_diffusion_model.h"
#include "core/npy.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

Conditioning class_guidance(int64_t label, double scale) {
  Conditioning c;
  c.class_label = label;
  c.guidance_scale = scale;
  return c;
}

namespace fs = std::filesystem;
using test::data_path;

class ModelFolderTest : public ::testing::Test {
 protected:
  test::TempFolder folder_;  // a fresh folder per test, removed after it
  const fs::path dir_{folder_.path()};

  // unet_classcond saved as a pipeline whose last class embedding is the null class.
  std::string save_classcond_pipeline(bool null_class) {
    const ModelFolder source = read_model_folder(data_path("unet/unet_classcond"));
    UNet2DModel unet = load_unet(source);
    std::vector<std::string> names;
    for (int k = 0; k < (null_class ? 9 : 10); ++k) {
      names.push_back("digit " + std::to_string(k));
    }
    const std::string out = (dir_ / "pipeline").string();
    save_model_folder(
        out, source.config, unet,
        read_json_file(data_path("pipeline/ddim_unet_small_10/scheduler_config.json")),
        {names, {}, null_class, {}});
    return out;
  }
};

TEST_F(ModelFolderTest, BareUNetFolderLoadsWithDefaultScheduler) {
  const auto model = load_diffusion_model(data_path("unet/unet_small"));
  const ModelInfo& info = model->info();
  EXPECT_EQ(info.name, "unet_small");
  // hashlib.sha256 over "config.json\0<size>\0<bytes>diffusion_pytorch_model.safetensors\0…"
  EXPECT_EQ(info.hash, "915597f4eaa0");
  EXPECT_EQ(info.channels, 3);
  EXPECT_EQ(info.height, 16);
  EXPECT_EQ(info.width, 16);
  EXPECT_TRUE(info.class_names.empty());
  EXPECT_EQ(info.scheduler.class_name, "DDIMScheduler");
}

// Issue 11 item 16: the hash names the model, not just its weights. The same weights under
// another config.json (here another scheduler) make other images and so get another hash; a
// copy of the folder elsewhere keeps it.
TEST_F(ModelFolderTest, HashCoversTheConfigsAndNotTheLocation) {
  const std::string pipeline = save_classcond_pipeline(true);
  const ModelFolder folder = read_model_folder(pipeline);
  EXPECT_EQ(folder.files, (std::vector<std::string>{
                              "emergence.json", "scheduler/scheduler_config.json",
                              "unet/config.json", "unet/diffusion_pytorch_model.safetensors"}));
  const std::string original = model_hash(folder);
  EXPECT_EQ(original.size(), 12u);

  const fs::path copy = dir_ / "elsewhere" / "copy";
  fs::create_directories(copy.parent_path());
  fs::copy(pipeline, copy, fs::copy_options::recursive);
  EXPECT_EQ(load_diffusion_model(copy.string())->info().hash, original);

  nlohmann::json scheduler = read_json_file((copy / "scheduler/scheduler_config.json").string());
  scheduler["beta_end"] = 0.012;
  std::ofstream(copy / "scheduler/scheduler_config.json") << scheduler.dump(2);
  const std::string other_scheduler = load_diffusion_model(copy.string())->info().hash;
  EXPECT_NE(other_scheduler, original);

  nlohmann::json unet = read_json_file((copy / "unet/config.json").string());
  unet["norm_eps"] = 1e-6;
  std::ofstream(copy / "unet/config.json") << unet.dump(2);
  EXPECT_NE(load_diffusion_model(copy.string())->info().hash, other_scheduler);
}

TEST_F(ModelFolderTest, SavedPipelineFolderReadsBackCompletely) {
  const std::string out = save_classcond_pipeline(true);
  for (const char* file :
       {"model_index.json", "unet/config.json", "unet/diffusion_pytorch_model.safetensors",
        "scheduler/scheduler_config.json", "emergence.json"}) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(out) / file)) << file;
  }
  const nlohmann::json index = read_json_file(out + "/model_index.json");
  EXPECT_EQ(index["unet"], nlohmann::json::array({"diffusers", "UNet2DModel"}));
  EXPECT_EQ(index["scheduler"], nlohmann::json::array({"diffusers", "DDIMScheduler"}));

  const ModelFolder folder = read_model_folder(out);
  ASSERT_TRUE(folder.scheduler.has_value());
  EXPECT_EQ(folder.scheduler->sampler.name, "ddim");
  EXPECT_TRUE(folder.scheduler->sampler.clip_sample);
  EXPECT_TRUE(folder.null_class);
  EXPECT_EQ(folder.class_names.size(), 9u);
  EXPECT_EQ(folder.config.num_class_embeds, std::optional<int>(10));

  const auto original =
      read_safetensors(data_path("unet/unet_classcond/diffusion_pytorch_model.safetensors"));
  const auto saved = read_safetensors(folder.weights_path);
  ASSERT_EQ(saved.size(), original.size());
  for (const auto& [name, tensor] : original) {
    EXPECT_TRUE(torch::equal(saved.at(name), tensor)) << name;
  }
  const auto model = load_diffusion_model(out);
  EXPECT_EQ(model->info().name, "pipeline");
  EXPECT_EQ(model->info().class_names.front(), "digit 0");
}

TEST_F(ModelFolderTest, GuidanceIsOneBatchOfUnconditionalAndConditional) {
  const auto model = load_diffusion_model(save_classcond_pipeline(true));
  UNet2DModel unet = load_unet(read_model_folder(data_path("unet/unet_classcond")));
  c10::InferenceMode inference;
  const torch::Tensor x = read_npy(data_path("unet/unet_classcond/input.npy")).narrow(0, 0, 1);
  const torch::Tensor t = torch::tensor({250.0f});
  const torch::Tensor cond = unet->forward(x, t, torch::tensor({3}));
  const torch::Tensor uncond = unet->forward(x, t, torch::tensor({9}));

  const torch::Tensor guided = model->denoise(x, 250.0, class_guidance(3, 2.5));
  EXPECT_LT(test::max_abs_error(guided, uncond + 2.5 * (cond - uncond)), 1e-4);
  EXPECT_LT(test::max_abs_error(model->denoise(x, 250.0, class_guidance(3, 1.0)), cond), 1e-5);
  EXPECT_LT(test::max_abs_error(model->denoise(x, 250.0, class_guidance(-1, 4.0)), uncond), 1e-5);
}

TEST_F(ModelFolderTest, WithoutNullClassGuidanceIsSkipped) {
  const auto model = load_diffusion_model(data_path("unet/unet_classcond"));
  EXPECT_EQ(model->info().class_names.size(), 10u);
  UNet2DModel unet = load_unet(read_model_folder(data_path("unet/unet_classcond")));
  c10::InferenceMode inference;
  const torch::Tensor x = torch::randn({1, 3, 16, 16});
  const torch::Tensor cond = unet->forward(x, torch::tensor({600.0f}), torch::tensor({7}));
  EXPECT_LT(test::max_abs_error(model->denoise(x, 600.0, class_guidance(7, 3.0)), cond), 1e-5);
  EXPECT_THROW(model->denoise(x, 600.0, class_guidance(-1, 1.0)), Error);
}

TEST_F(ModelFolderTest, BrokenFoldersAreNamedInTheError) {
  auto expect_error = [](const std::string& folder, const std::string& part) {
    try {
      load_diffusion_model(folder);
      FAIL() << "no error for " << folder;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error((dir_ / "absent").string(), "does not exist");
  expect_error(dir_.string(), "not a model folder");

  const fs::path bin = dir_ / "bin";
  fs::create_directories(bin);
  fs::copy_file(data_path("unet/unet_small/config.json"), bin / "config.json");
  std::ofstream(bin / "diffusion_pytorch_model.bin") << "x";
  expect_error(bin.string(), ".bin");

  const std::string pipeline = save_classcond_pipeline(true);
  std::ofstream(pipeline + "/emergence.json")
      << R"({"class_names": ["a", "b"], "null_class": true})";
  expect_error(pipeline, "lists 2 class names, but the model has 9 classes");
  std::ofstream(pipeline + "/emergence.json") << R"({"class_names": "a"})";
  expect_error(pipeline, "emergence.json: class_names");

  std::ofstream(pipeline + "/emergence.json") << R"({"null_class": true})";
  std::ofstream(pipeline + "/unet/config.json")
      << R"({"block_out_channels": [32, 64], "norm_num_groups": 8})";
  expect_error(pipeline, "config.json");
}

// DDIMPipeline, 10 steps, on unet_small (tests/data/pipeline/ddim_unet_small_10/case.json).
TEST_F(ModelFolderTest, DdimRunMatchesTheDiffusersPipeline) {
  const std::string dir = "pipeline/ddim_unet_small_10/";
  const auto model =
      load_diffusion_model(data_path("unet/unet_small"),
                           read_scheduler_config(data_path(dir + "scheduler_config.json")));
  GenerationRequest request;
  request.params.sampler = "ddim";
  request.params.steps = 10;
  request.params.spacing = Spacing::Leading;
  request.params.seed = 5001;
  // The pipeline clips x̂0 of this untrained model and keeps diffusers' unclipped ε̂.
  request.params.diffusers_exact = true;
  const torch::Tensor x_init = read_npy(data_path(dir + "x_init.npy"));
  // The seeded draw is the pipeline's own; --init-noise replaces it with the same tensor here.
  EXPECT_TRUE(torch::equal(initial_noise_for(model->info(), 5001), x_init));
  request.initial_noise = x_init;

  const SamplingResult result = generate(*model, request);
  EXPECT_EQ(result.calls_done, 10);
  const double err = test::max_abs_error(result.latent, read_npy(data_path(dir + "final.npy")));
  EXPECT_LT(err, 1e-3);
  std::printf("[ parity ] ddim_unet_small_10 pipeline final latent: max |a-b| = %.3g\n", err);

  const Image8 image = to_image8(result.latent, DisplayMapping::Image);
  const torch::Tensor reference =
      (read_npy(data_path(dir + "image_float.npy"))[0] * 255).round().to(torch::kInt32);
  const torch::Tensor ours =
      torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {16, 16, 3}, torch::kUInt8)
          .to(torch::kInt32);
  EXPECT_LE((ours - reference).abs().max().item<int>(), 1);
}

}  // namespace
}  // namespace emergence
