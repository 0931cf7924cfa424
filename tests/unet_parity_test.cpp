// The C++ UNet2DModel against diffusers v0.35.2 outputs (tests/data/unet), and the state-dict
// contract: diffusers names, legacy names, and errors for files that do not fit the config.
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/error.h"
#include "core/json_file.h"
#include "core/model/model_folder.h"
#include "core/model/safetensors.h"
#include "core/model/unet2d_model.h"
#include "core/npy.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;

// The output of a case's model on its recorded input, on the plain or the fast path.
torch::Tensor run_case(const std::string& name, UNet2DModel& model, bool fast) {
  const std::string dir = "unet/" + name + "/";
  c10::InferenceMode inference;
  model->set_fast_inference(fast);
  const torch::Tensor input = read_npy(data_path(dir + "input.npy"));
  const torch::Tensor timesteps = read_npy(data_path(dir + "timesteps.npy"));
  torch::Tensor labels;
  if (test::read_case(dir).contains("class_labels")) {
    labels = read_npy(data_path(dir + "class_labels.npy"));
  }
  return model->forward(input, timesteps, labels);
}

class UNetParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UNetParityTest, ForwardMatchesDiffusersOnBothPaths) {
  const std::string name = GetParam();
  const nlohmann::json c = test::read_case("unet/" + name);
  UNet2DModel model = load_unet(read_model_folder(data_path("unet/" + name)));
  EXPECT_EQ(parameter_count(*model), c["num_parameters"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(state_dict(model).size()), c["num_tensors"].get<int64_t>());

  const torch::Tensor expected = read_npy(data_path("unet/" + name + "/output.npy"));
  for (bool fast : {false, true}) {
    const torch::Tensor output = run_case(name, model, fast);
    ASSERT_EQ(output.sizes(), expected.sizes());
    const double err = test::max_abs_error(output, expected);
    EXPECT_LT(err, 1e-4) << name << (fast ? " fast" : " plain");
    std::printf("[ parity ] %s %s forward: max |a-b| = %.3g\n", name.c_str(),
                fast ? "optimised" : "plain", err);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, UNetParityTest, ::testing::Values("unet_small", "unet_classcond"));

// The deprecated AttentionBlock names of early checkpoints (google/ddpm-cifar10-32).
std::string legacy_name(std::string name) {
  const std::pair<std::string, std::string> renames[] = {{".to_q.", ".query."},
                                                         {".to_k.", ".key."},
                                                         {".to_v.", ".value."},
                                                         {".to_out.0.", ".proj_attn."}};
  for (const auto& [modern, old] : renames) {
    const size_t at = name.find(modern);
    if (at != std::string::npos) {
      return name.substr(0, at) + old + name.substr(at + modern.size());
    }
  }
  return name;
}

TEST(UNetWeightsTest, LegacyAttentionNamesLoadToTheSameModel) {
  const ModelFolder folder = read_model_folder(data_path("unet/unet_small"));
  std::map<std::string, torch::Tensor> legacy;
  int renamed = 0;
  for (const auto& [name, tensor] : read_safetensors(folder.weights_path)) {
    const std::string old = legacy_name(name);
    renamed += old != name;
    legacy[old] = tensor;
  }
  EXPECT_EQ(renamed, 4 * 8);  // four attention blocks, four linear layers, weight and bias
  UNet2DModel model(folder.config);
  load_weights(model, legacy, "legacy.safetensors");
  const torch::Tensor expected = read_npy(data_path("unet/unet_small/output.npy"));
  EXPECT_LT(test::max_abs_error(run_case("unet_small", model, true), expected), 1e-4);
}

// Loading `tensors` must fail with a message holding every part.
void expect_load_error(const UNet2DConfig& config,
                       const std::map<std::string, torch::Tensor>& tensors,
                       const std::vector<std::string>& parts) {
  UNet2DModel model(config);
  try {
    load_weights(model, tensors, "weights.safetensors");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("weights.safetensors"), std::string::npos) << message;
    for (const auto& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
    }
  }
}

TEST(UNetWeightsTest, MissingUnexpectedAndMisshapenTensorsAreNamed) {
  const ModelFolder folder = read_model_folder(data_path("unet/unet_small"));
  const auto weights = read_safetensors(folder.weights_path);

  auto missing = weights;
  missing.erase("mid_block.attentions.0.to_k.bias");
  missing.erase("conv_out.weight");
  expect_load_error(folder.config, missing,
                    {"missing tensors", "mid_block.attentions.0.to_k.bias", "conv_out.weight"});

  auto unexpected = weights;
  unexpected["class_embedding.weight"] = torch::zeros({10, 128});
  expect_load_error(folder.config, unexpected, {"unexpected tensors", "class_embedding.weight"});

  auto misshapen = weights;
  misshapen["up_blocks.0.resnets.1.conv1.weight"] = torch::zeros({64, 95, 3, 3});
  expect_load_error(folder.config, misshapen,
                    {"'up_blocks.0.resnets.1.conv1.weight'", "[64, 95, 3, 3]", "[64, 96, 3, 3]"});

  auto doubled = weights;
  doubled["mid_block.attentions.0.query.weight"] = weights.at("mid_block.attentions.0.to_q.weight");
  expect_load_error(folder.config, doubled, {"mid_block.attentions.0.to_q.weight", "twice"});
}

// google/ddpm-cifar10-32's config.json, which predates several keys.
nlohmann::json cifar10_config() {
  return nlohmann::json::parse(R"({
    "_class_name": "UNet2DModel", "_diffusers_version": "0.0.4", "act_fn": "silu",
    "attention_head_dim": null, "block_out_channels": [128, 256, 256, 256],
    "center_input_sample": false,
    "down_block_types": ["DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"],
    "downsample_padding": 0, "flip_sin_to_cos": false, "freq_shift": 1, "in_channels": 3,
    "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-06, "norm_num_groups": 32,
    "out_channels": 3, "sample_size": 32, "time_embedding_type": "positional",
    "up_block_types": ["UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"]})");
}

TEST(UNetConfigTest, OldConfigsBuildWithDiffusersDefaults) {
  const UNet2DConfig c = unet2d_config_from_json(cifar10_config());
  EXPECT_FALSE(c.attention_head_dim.has_value());
  EXPECT_EQ(c.mid_block_type, std::optional<std::string>("UNetMidBlock2D"));
  EXPECT_FALSE(c.attn_norm_num_groups.has_value());
  EXPECT_FALSE(c.time_embedding_dim.has_value());
  EXPECT_EQ(c.resnet_time_scale_shift, "default");
  UNet2DModel model(c);
  // Ho et al. 2020 report 35.7M parameters for their CIFAR-10 model.
  EXPECT_NEAR(static_cast<double>(parameter_count(*model)), 35.7e6, 0.05e6);
  const auto names = state_dict(model);
  EXPECT_TRUE(names.count("down_blocks.1.attentions.1.to_out.0.weight"));
  EXPECT_TRUE(names.count("up_blocks.2.attentions.2.group_norm.bias"));
  EXPECT_TRUE(names.count("down_blocks.2.downsamplers.0.conv.weight"));
  EXPECT_FALSE(names.count("down_blocks.3.downsamplers.0.conv.weight"));
  EXPECT_TRUE(names.count("up_blocks.0.upsamplers.0.conv.weight"));
  EXPECT_FALSE(names.count("up_blocks.3.upsamplers.0.conv.weight"));

  const nlohmann::json round_trip = to_json(c);
  EXPECT_EQ(round_trip["_class_name"], "UNet2DModel");
  EXPECT_TRUE(round_trip["attention_head_dim"].is_null());
  const UNet2DConfig again = unet2d_config_from_json(round_trip);
  EXPECT_EQ(to_json(again), round_trip);
}

TEST(UNetConfigTest, BadConfigsNameTheKey) {
  auto expect_error = [](nlohmann::json j, const std::string& part) {
    try {
      unet2d_config_from_json(j);
      FAIL() << "no error for " << part;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  nlohmann::json j = cifar10_config();
  j["layers_per_block"] = "two";
  expect_error(j, "'layers_per_block'");
  j = cifar10_config();
  j["down_block_types"][0] = "CrossAttnDownBlock2D";
  expect_error(j, "CrossAttnDownBlock2D");
  j = cifar10_config();
  j["norm_num_groups"] = 24;
  expect_error(j, "norm_num_groups");
  j = cifar10_config();
  j["up_block_types"] = {"UpBlock2D"};
  expect_error(j, "same length");
  j = cifar10_config();
  j["time_embedding_type"] = "learned";
  expect_error(j, "time_embedding_type");
  j = cifar10_config();
  j["_class_name"] = "UNet2DConditionModel";
  expect_error(j, "UNet2DModel");
}

// Issue 11 item 13: diffusers gives each attention layer channels // attention_head_dim heads, so
// a head size wider than a block without attention is fine (32,64,128 with head size 64 and
// attention only at 64 and 128), and the UNet builds with 1 and 2 heads where attention is.
TEST(UNetConfigTest, AttentionHeadDimIsCheckedOnlyWhereThereIsAttention) {
  nlohmann::json j = {{"sample_size", 8},
                      {"block_out_channels", {32, 64, 128}},
                      {"norm_num_groups", 8},
                      {"layers_per_block", 1},
                      {"attention_head_dim", 64},
                      {"down_block_types", {"DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"}},
                      {"up_block_types", {"AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"}}};
  const UNet2DConfig c = unet2d_config_from_json(j);
  UNet2DModel model(c);
  const auto names = state_dict(model);
  // Heads of 64: one head over 64 channels (inner size 64), two over the 128 at the bottom.
  EXPECT_EQ(names.at("down_blocks.1.attentions.0.to_q.weight").sizes(),
            (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(names.at("mid_block.attentions.0.to_q.weight").sizes(),
            (std::vector<int64_t>{128, 128}));
  const torch::Tensor out = model->forward(torch::randn({1, 3, 8, 8}), torch::full({1}, 10.0));
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 8, 8}));

  // Attention at the 32-channel level does need head size ≤ 32, and the message says where.
  j["down_block_types"] = {"AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"};
  try {
    unet2d_config_from_json(j);
    FAIL() << "head size 64 accepted for a 32-channel attention block";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("down_blocks.0 (32 channels)"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("[1, 32]"), std::string::npos) << e.what();
  }
  // Without the mid block's attention its head size no longer matters either.
  j["down_block_types"] = {"DownBlock2D", "DownBlock2D", "DownBlock2D"};
  j["up_block_types"] = {"UpBlock2D", "UpBlock2D", "UpBlock2D"};
  j["attention_head_dim"] = 256;
  j["add_attention"] = false;
  EXPECT_NO_THROW(unet2d_config_from_json(j));
  j["add_attention"] = true;
  EXPECT_THROW(unet2d_config_from_json(j), Error);
}

// The variants the test fixtures do not cover still build diffusers' module tree and run.
TEST(UNetConfigTest, ScaleShiftFourierAndResnetResamplingVariantsRun) {
  nlohmann::json j = {{"sample_size", 8},
                      {"block_out_channels", {16, 32}},
                      {"down_block_types", {"AttnDownBlock2D", "AttnDownBlock2D"}},
                      {"up_block_types", {"AttnUpBlock2D", "AttnUpBlock2D"}},
                      {"layers_per_block", 1},
                      {"norm_num_groups", 4},
                      {"attention_head_dim", 8},
                      {"resnet_time_scale_shift", "scale_shift"},
                      {"time_embedding_type", "fourier"},
                      {"downsample_type", "resnet"},
                      {"upsample_type", "resnet"},
                      {"class_embed_type", "timestep"},
                      {"time_embedding_dim", 48},
                      {"mid_block_scale_factor", 1.41421356}};
  UNet2DModel model(unet2d_config_from_json(j));
  const auto names = state_dict(model);
  EXPECT_TRUE(names.count("time_proj.weight"));
  EXPECT_EQ(names.at("time_embedding.linear_1.weight").sizes(), (at::IntArrayRef{48, 32}));
  EXPECT_EQ(names.at("down_blocks.0.resnets.0.time_emb_proj.weight").sizes(),
            (at::IntArrayRef{32, 48}));
  EXPECT_TRUE(names.count("class_embedding.linear_2.bias"));
  EXPECT_TRUE(names.count("down_blocks.0.downsamplers.0.conv2.weight"));
  EXPECT_TRUE(names.count("up_blocks.0.upsamplers.0.conv1.weight"));
  // UNetMidBlock2D: with scale_shift and no attn_norm_num_groups the attention has no GroupNorm.
  EXPECT_FALSE(names.count("mid_block.attentions.0.group_norm.weight"));
  EXPECT_TRUE(names.count("down_blocks.0.attentions.0.group_norm.weight"));

  c10::InferenceMode inference;
  const torch::Tensor x = torch::randn({2, 3, 8, 8});
  const torch::Tensor sigmas = torch::tensor({0.5f, 20.0f});
  const torch::Tensor labels = torch::tensor({1, 4});
  model->set_fast_inference(false);
  const torch::Tensor plain = model->forward(x, sigmas, labels);
  model->set_fast_inference(true);
  const torch::Tensor fast = model->forward(x, sigmas, labels);
  EXPECT_EQ(plain.sizes(), x.sizes());
  EXPECT_TRUE(torch::isfinite(plain).all().item<bool>());
  EXPECT_LT(test::max_abs_error(fast, plain), 1e-4);
}

TEST(UNetConfigTest, ClassConditioningIsCheckedAtTheCall) {
  UNet2DModel model(read_model_folder(data_path("unet/unet_classcond")).config);
  c10::InferenceMode inference;
  const torch::Tensor x = torch::zeros({1, 3, 16, 16});
  const torch::Tensor t = torch::tensor({10.0f});
  EXPECT_THROW(model->forward(x, t), Error);
  EXPECT_THROW(model->forward(x, t, torch::tensor({10})), Error);
  EXPECT_THROW(model->forward(torch::zeros({1, 4, 16, 16}), t, torch::tensor({1})), Error);
  UNet2DModel unconditional(read_model_folder(data_path("unet/unet_small")).config);
  EXPECT_THROW(unconditional->forward(x, t, torch::tensor({1})), Error);
}

}  // namespace
}  // namespace emergence
