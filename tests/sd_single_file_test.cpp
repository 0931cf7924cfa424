// Tiny single-file (LDM layout) SD 1 and SD 2 checkpoints (tests/data/sd/single_file, written by
// inverting diffusers v0.35.2's conversion and checked by running it) against the diffusers
// folders they were made from: every weight under its diffusers name, the configs the shapes
// imply, identical generations, the v-prediction probe and its override, the CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/generate_command.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/media/image_file.h"
#include "core/model/safetensors.h"
#include "core/sd/ldm_checkpoint.h"
#include "core/sd/model_loading.h"
#include "core/sd/shipped_resources.h"
#include "core/sd/stable_diffusion_checkpoint.h"
#include "core/sd/stable_diffusion_folder.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::data_path;

std::string checkpoint(const std::string& name) {
  return data_path("sd/single_file/" + name + ".safetensors");
}
std::string folder(const std::string& name) { return data_path("sd/single_file/" + name); }

const nlohmann::json& cases() {
  static const nlohmann::json j =
      nlohmann::json::parse(std::ifstream(data_path("sd/single_file/case.json")))["cases"];
  return j;
}

// Same names, dtypes and values.
void expect_same_tensors(const std::map<std::string, torch::Tensor>& got,
                         const std::map<std::string, torch::Tensor>& want,
                         const std::string& what) {
  std::vector<std::string> got_names, want_names;
  for (const auto& entry : got) {
    got_names.push_back(entry.first);
  }
  for (const auto& entry : want) {
    want_names.push_back(entry.first);
  }
  ASSERT_EQ(got_names, want_names) << what;
  for (const auto& [name, tensor] : want) {
    const torch::Tensor& mine = got.at(name);
    EXPECT_EQ(mine.scalar_type(), tensor.scalar_type()) << what << " " << name;
    EXPECT_TRUE(mine.sizes() == tensor.sizes() && torch::equal(mine, tensor))
        << what << " " << name;
  }
}

void expect_same_unet(const UNet2DConditionConfig& a, const UNet2DConditionConfig& b) {
  EXPECT_EQ(a.in_channels, b.in_channels);
  EXPECT_EQ(a.out_channels, b.out_channels);
  EXPECT_EQ(a.block_out_channels, b.block_out_channels);
  EXPECT_EQ(a.down_block_types, b.down_block_types);
  EXPECT_EQ(a.up_block_types, b.up_block_types);
  EXPECT_EQ(a.mid_block_type, b.mid_block_type);
  EXPECT_EQ(a.cross_attention_dim, b.cross_attention_dim);
  EXPECT_EQ(a.use_linear_projection, b.use_linear_projection);
  EXPECT_EQ(a.norm_num_groups, b.norm_num_groups);
  EXPECT_EQ(a.sample_size, b.sample_size);
  for (size_t i = 0; i < b.block_out_channels.size(); ++i) {
    EXPECT_EQ(a.layers(i), b.layers(i)) << "block " << i;
    EXPECT_EQ(a.heads(i), b.heads(i)) << "block " << i;
    EXPECT_EQ(a.transformer_layers(i), b.transformer_layers(i)) << "block " << i;
  }
}

class SingleFile : public ::testing::TestWithParam<std::string> {};

TEST_P(SingleFile, EveryWeightComesUnderItsDiffusersNameWithTheFoldersConfig) {
  const std::string name = GetParam();
  const SafetensorsFile file(checkpoint(name));
  // The files' int tensors (position_ids, model_ema.num_updates) are not read.
  EXPECT_FALSE(file.skipped().empty());
  const LdmCheckpoint c = read_ldm_checkpoint(file.path(), file.tensors(), file.skipped());
  EXPECT_EQ(c.family, name == "sd1" ? LdmFamily::Sd1 : LdmFamily::Sd2);
  const StableDiffusionFolder f = read_stable_diffusion_folder(folder(name));
  expect_same_unet(c.unet, f.unet);
  EXPECT_EQ(to_json(c.vae), to_json(f.vae));
  nlohmann::json text = to_json(c.text_encoder), want_text = to_json(f.text_encoder);
  for (const char* key : {"projection_dim", "pad_token_id", "bos_token_id", "eos_token_id"}) {
    text.erase(key);  // the tokenizer's business, not the encoder's
    want_text.erase(key);
  }
  EXPECT_EQ(text, want_text);
  expect_same_tensors(c.unet_weights, SafetensorsFile(f.unet_weights).tensors(), "unet");
  expect_same_tensors(c.vae_weights, SafetensorsFile(f.vae_weights).tensors(), "vae");
  expect_same_tensors(c.text_encoder_weights, SafetensorsFile(f.text_encoder_weights).tensors(),
                      "text encoder");
}

GenerationParams run_of(const ModelInfo& info) {
  GenerationParams p;
  p.model_name = info.name;
  p.sampler = "ddim";
  p.steps = 3;
  p.spacing = info.scheduler.sampler.selection.spacing;
  p.seed = 7;
  p.guidance_scale = 7.5;
  p.prompt = "a lighthouse at dusk";
  p.negative_prompt = "fog";
  p.width = 64;
  p.height = 80;
  return p;
}

TEST_P(SingleFile, GeneratesExactlyWhatItsFolderGenerates) {
  const auto from_file = open_model(checkpoint(GetParam()));
  const auto from_folder = open_model(folder(GetParam()));
  const ModelInfo& a = from_file->info();
  const ModelInfo& b = from_folder->info();
  EXPECT_EQ(a.name, GetParam());
  EXPECT_EQ(a.latent_scale, b.latent_scale);
  EXPECT_EQ(a.max_clip_skip, b.max_clip_skip);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.scheduler.class_name, b.scheduler.class_name);
  EXPECT_EQ(a.scheduler.sampler.prediction, b.scheduler.sampler.prediction);
  EXPECT_EQ(a.scheduler.sampler.selection.spacing, b.scheduler.sampler.selection.spacing);
  EXPECT_EQ(a.scheduler.training.beta_start, b.scheduler.training.beta_start);
  EXPECT_EQ(a.scheduler.training.beta_end, b.scheduler.training.beta_end);
  EXPECT_EQ(a.scheduler.training.beta_schedule, b.scheduler.training.beta_schedule);
  EXPECT_EQ(a.scheduler.training.num_train_timesteps, b.scheduler.training.num_train_timesteps);
  EXPECT_EQ(a.scheduler.sampler.selection.steps_offset, b.scheduler.sampler.selection.steps_offset);
  EXPECT_EQ(a.scheduler.sampler.set_alpha_to_one, b.scheduler.sampler.set_alpha_to_one);
  EXPECT_EQ(a.scheduler.sampler.clip_sample, b.scheduler.sampler.clip_sample);
  EXPECT_NE(a.hash, b.hash);

  GenerationRequest request;
  request.params = run_of(a);
  const SamplingResult file_run = generate(*from_file, request);
  const SamplingResult folder_run = generate(*from_folder, request);
  ASSERT_EQ(file_run.latent.sizes(), (std::vector<int64_t>{1, 4, 40, 32}));
  EXPECT_GT(file_run.latent.abs().max().item<double>(), 0.0);
  EXPECT_TRUE(torch::equal(file_run.latent, folder_run.latent));
  EXPECT_TRUE(
      torch::equal(from_file->decode(file_run.latent), from_folder->decode(folder_run.latent)));
}

INSTANTIATE_TEST_SUITE_P(Sd, SingleFile, ::testing::Values("sd1", "sd2"));

TEST(SingleFileProbe, Sd2IsProbedAsDiffusersRanTheProbeAndTheOverrideWins) {
  PredictionProbe probe;
  probe.mean_output_minus_input = 1e9;
  const auto model = load_stable_diffusion_checkpoint(checkpoint("sd2"), {}, &probe);
  const double expected = cases()["sd2"]["probe_mean_out_minus_x"].get<double>();
  EXPECT_NEAR(probe.mean_output_minus_input, expected, 1e-4 * std::max(1.0, std::abs(expected)));
  EXPECT_EQ(probe.v_prediction, cases()["sd2"]["probe_says_v_prediction"].get<bool>());
  EXPECT_EQ(model->info().scheduler.sampler.prediction, PredictionType::Epsilon);
  EXPECT_EQ(model->info().height, 64);

  LoadOptions v;
  v.prediction = PredictionChoice::VPrediction;
  const auto overridden = open_model(checkpoint("sd2"), v);
  EXPECT_EQ(overridden->info().scheduler.sampler.prediction, PredictionType::VPrediction);
  EXPECT_EQ(overridden->info().height, 96);  // SD 2's v models are 768-px ones
  // The override also reaches a folder's scheduler.
  EXPECT_EQ(open_model(folder("sd2"), v)->info().scheduler.sampler.prediction,
            PredictionType::VPrediction);
}

TEST(SingleFileProbe, Sd1IsEpsilonWithoutAProbe) {
  PredictionProbe probe;
  probe.mean_output_minus_input = 123.0;
  const auto model = load_stable_diffusion_checkpoint(checkpoint("sd1"), {}, &probe);
  EXPECT_EQ(probe.mean_output_minus_input, 123.0);
  EXPECT_EQ(model->info().scheduler.sampler.prediction, PredictionType::Epsilon);
  LoadOptions v;
  v.prediction = PredictionChoice::VPrediction;
  EXPECT_EQ(
      load_stable_diffusion_checkpoint(checkpoint("sd1"), v)->info().scheduler.sampler.prediction,
      PredictionType::VPrediction);
  EXPECT_EQ(parse_prediction_choice("v"), PredictionChoice::VPrediction);
  EXPECT_EQ(parse_prediction_choice("epsilon"), PredictionChoice::Epsilon);
  EXPECT_THROW(parse_prediction_choice("x0"), Error);
}

TEST(SingleFileVocabulary, TheShippedOneIsFoundAndAnotherCanBeGiven) {
  const std::string shipped = shipped_clip_vocabulary();
  EXPECT_TRUE(fs::equivalent(shipped, fs::path(test::data_path("")) / ".." / ".." / "resources" /
                                          "clip" / "bpe_simple_vocab_16e6.txt.gz"));
  LoadOptions options;
  options.clip_vocabulary = shipped;
  EXPECT_EQ(load_stable_diffusion_checkpoint(checkpoint("sd1"), options)->tokenize("a fox").ids,
            load_stable_diffusion_checkpoint(checkpoint("sd1"))->tokenize("a fox").ids);
  options.clip_vocabulary = test::data_path("no_such_vocabulary.txt.gz");
  try {
    load_stable_diffusion_checkpoint(checkpoint("sd1"), options);
    FAIL() << "no error for a missing vocabulary";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_vocabulary.txt.gz"), std::string::npos)
        << e.what();
  }
}

TEST(SingleFileCli, GenerateWritesAnImageFromAFile) {
  test::TempFolder dir;
  for (const char* prediction : {"auto", "v"}) {
    const std::string out = dir.file(std::string("image_") + prediction + ".png");
    ASSERT_EQ(app::run_generate_command(
                  {"--model", checkpoint("sd2"), "--prompt", "a lighthouse at dusk", "--steps", "2",
                   "--width", "64", "--height", "64", "--prediction", prediction, "--out", out}),
              0);
    const Image8 image = read_image(out);
    EXPECT_EQ(image.width, 64);
    EXPECT_EQ(image.height, 64);
  }
  EXPECT_NE(test::read_bytes(dir.file("image_auto.png")),
            test::read_bytes(dir.file("image_v.png")));
  try {
    app::run_generate_command({"--model", checkpoint("sd1"), "--prompt", "x", "--prediction",
                               "sample", "--out", dir.file("x.png")});
    FAIL() << "no error for --prediction sample";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("auto, epsilon or v"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace emergence
