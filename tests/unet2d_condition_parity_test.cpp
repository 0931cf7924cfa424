// The C++ UNet2DConditionModel against diffusers v0.35.2 outputs (tests/data/sd/unet_*), its
// config.json parsing, and the errors for configs, weights and inputs that do not fit.
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/error.h"
#include "core/json_file.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "core/model/unet2d_condition_model.h"
#include "core/npy.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;

std::string case_dir(const std::string& name) { return "sd/" + name + "/"; }

UNet2DConditionConfig case_config(const std::string& name) {
  return unet2d_condition_config_from_json(
      read_json_file(data_path(case_dir(name) + "config.json")));
}

std::map<std::string, torch::Tensor> case_weights(const std::string& name) {
  return read_safetensors(data_path(case_dir(name) + "diffusion_pytorch_model.safetensors"));
}

UNet2DConditionModel load_case(const std::string& name) {
  UNet2DConditionModel model(case_config(name));
  copy_module_weights(*model, case_weights(name), name + "/diffusion_pytorch_model.safetensors",
                      "this UNet2DConditionModel");
  return model;
}

torch::Tensor case_input(const std::string& name, const std::string& file) {
  return read_npy(data_path(case_dir(name) + file));
}

// The output of a case's model on its recorded inputs, on the plain or the fast path.
torch::Tensor run_case(const std::string& name, UNet2DConditionModel& model, bool fast) {
  c10::InferenceMode inference;
  model->set_fast_inference(fast);
  return model->forward(case_input(name, "sample.npy"), case_input(name, "timesteps.npy"),
                        case_input(name, "encoder_hidden_states.npy"));
}

// Runs `body`, which must throw an Error whose message holds every part.
template <typename Body>
void expect_error(Body body, const std::vector<std::string>& parts) {
  try {
    body();
    ADD_FAILURE() << "no error; expected one mentioning '" << parts.front() << "'";
  } catch (const Error& e) {
    for (const auto& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
    }
  }
}

class UNet2DConditionParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UNet2DConditionParityTest, ForwardMatchesDiffusersOnBothPaths) {
  const std::string name = GetParam();
  const nlohmann::json c = test::read_case(case_dir(name));
  UNet2DConditionModel model = load_case(name);
  EXPECT_EQ(parameter_count(*model), c["num_parameters"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(module_state(*model).size()), c["num_tensors"].get<int64_t>());

  const torch::Tensor expected = case_input(name, "output.npy");
  for (bool fast : {false, true}) {
    const torch::Tensor output = run_case(name, model, fast);
    ASSERT_EQ(output.sizes(), expected.sizes());
    const double err = test::max_scaled_error(output, expected);
    EXPECT_LT(err, 1e-4) << name << (fast ? " fast" : " plain");
    std::printf("[ parity ] %s %s forward: max |a-b|/max(1,|ref|) = %.3g\n", name.c_str(),
                fast ? "optimised" : "plain", err);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, UNet2DConditionParityTest,
                         ::testing::Values("unet_sd1_micro", "unet_sd2_micro",
                                           "unet_diffusers_test", "unet_variants_micro",
                                           "unet_sd1_micro_odd"));

TEST(UNet2DConditionConfigTest, FixtureConfigsReadAsDiffusersWroteThem) {
  const UNet2DConditionConfig sd1 = case_config("unet_sd1_micro");
  EXPECT_EQ(sd1.attention_head_dim, std::vector<int>{4});
  EXPECT_FALSE(sd1.use_linear_projection);
  EXPECT_EQ(sd1.cross_attention_dim, 16);
  EXPECT_EQ(sd1.sample_size, std::optional<int>(8));
  const UNet2DConditionConfig sd2 = case_config("unet_sd2_micro");
  EXPECT_EQ(sd2.attention_head_dim, (std::vector<int>{1, 2, 4, 4}));
  EXPECT_TRUE(sd2.use_linear_projection);
  EXPECT_TRUE(sd2.upcast_attention);
  // diffusers' attention_head_dim is the head count: 1 head over down_blocks.0's 8 channels.
  EXPECT_EQ(sd2.heads(0), 1);
  EXPECT_EQ(sd2.heads(3), 4);
  const UNet2DConditionConfig variants = case_config("unet_variants_micro");
  EXPECT_EQ(variants.only_cross_attention, (std::vector<bool>{true, false}));
  EXPECT_EQ(variants.layers(1), 2);
  EXPECT_EQ(variants.transformer_layers(0), 2);

  for (const char* name : {"unet_sd1_micro", "unet_sd2_micro", "unet_variants_micro"}) {
    const nlohmann::json written = to_json(case_config(name));
    EXPECT_EQ(written["_class_name"], "UNet2DConditionModel");
    EXPECT_EQ(to_json(unet2d_condition_config_from_json(written)), written) << name;
  }
}

TEST(UNet2DConditionConfigTest, StateDictNamesAreDiffusers) {
  UNet2DConditionModel sd1(case_config("unet_sd1_micro"));
  const auto names = module_state(*sd1);
  const std::string t = "down_blocks.1.attentions.0.transformer_blocks.0.";
  EXPECT_EQ(names.at(t + "attn2.to_k.weight").sizes(), (at::IntArrayRef{16, 16}));
  EXPECT_FALSE(names.count(t + "attn1.to_q.bias"));
  EXPECT_TRUE(names.count(t + "attn1.to_out.0.bias"));
  EXPECT_EQ(names.at(t + "ff.net.0.proj.weight").sizes(), (at::IntArrayRef{128, 16}));
  EXPECT_EQ(names.at(t + "ff.net.2.weight").sizes(), (at::IntArrayRef{16, 64}));
  EXPECT_EQ(names.at("down_blocks.1.attentions.0.proj_in.weight").sizes(),
            (at::IntArrayRef{16, 16, 1, 1}));
  EXPECT_TRUE(names.count("mid_block.attentions.0.norm.weight"));
  EXPECT_TRUE(names.count("up_blocks.3.attentions.2.proj_out.bias"));
  EXPECT_FALSE(names.count("up_blocks.0.attentions.0.norm.weight"));  // UpBlock2D
  EXPECT_TRUE(names.count("up_blocks.0.upsamplers.0.conv.weight"));
  EXPECT_FALSE(names.count("down_blocks.3.downsamplers.0.conv.weight"));
  UNet2DConditionModel sd2(case_config("unet_sd2_micro"));
  EXPECT_EQ(module_state(*sd2).at("down_blocks.0.attentions.0.proj_in.weight").sizes(),
            (at::IntArrayRef{8, 8}));
}

TEST(UNet2DConditionConfigTest, Sd15ArchitectureIsRunwaymlsConfig) {
  const nlohmann::json j = to_json(sd15_unet_config());
  EXPECT_EQ(j["block_out_channels"], nlohmann::json({320, 640, 1280, 1280}));
  EXPECT_EQ(j["cross_attention_dim"], 768);
  EXPECT_EQ(j["attention_head_dim"], 8);
  EXPECT_EQ(j["layers_per_block"], 2);
  EXPECT_EQ(j["sample_size"], 64);
  EXPECT_EQ(j["norm_num_groups"], 32);
  EXPECT_EQ(j["use_linear_projection"], false);
  EXPECT_EQ(j["down_block_types"][3], "DownBlock2D");
  EXPECT_EQ(j["up_block_types"][0], "UpBlock2D");
  EXPECT_EQ(j["mid_block_type"], "UNetMidBlock2DCrossAttn");
}

TEST(UNet2DConditionConfigTest, UnsupportedConfigsNameTheKey) {
  const nlohmann::json base = read_json_file(data_path("sd/unet_sd1_micro/config.json"));
  auto refused = [&](const std::string& key, const nlohmann::json& value,
                     const std::vector<std::string>& parts) {
    nlohmann::json j = base;
    j[key] = value;
    std::vector<std::string> all = {"'" + key + "'"};
    all.insert(all.end(), parts.begin(), parts.end());
    expect_error([&] { unet2d_condition_config_from_json(j); }, all);
  };
  // SDXL's unet/config.json sets these four together; the message says what the model is.
  nlohmann::json sdxl = base;
  sdxl["addition_embed_type"] = "text_time";
  sdxl["addition_time_embed_dim"] = 256;
  sdxl["projection_class_embeddings_input_dim"] = 2816;
  sdxl["transformer_layers_per_block"] = {1, 2, 10};
  expect_error([&] { unet2d_condition_config_from_json(sdxl); }, {"addition_embed_type", "SDXL"});
  refused("addition_embed_type", "image", {"\"image\""});
  refused("class_embed_type", "timestep", {"class conditioning"});
  refused("num_class_embeds", 10, {"10"});
  refused("encoder_hid_dim", 1024, {"1024"});
  refused("time_cond_proj_dim", 256, {"256"});
  refused("num_attention_heads", 8, {"attention_head_dim"});
  refused("dual_cross_attention", true, {"true"});
  refused("time_embedding_type", "fourier", {"positional"});
  refused("transformer_layers_per_block", nlohmann::json::parse("[[1, 2], 1, 1, 1]"),
          {"per-layer"});
  refused("cross_attention_dim", {768, 1024, 768, 768}, {"different widths"});
  refused("use_linear_projection", "yes", {"true or false"});
  refused("_class_name", "UNet2DModel", {"UNet2DConditionModel"});

  auto invalid = [&](const std::string& key, const nlohmann::json& value, const std::string& part) {
    nlohmann::json j = base;
    j[key] = value;
    expect_error([&] { unet2d_condition_config_from_json(j); }, {part});
  };
  invalid(
      "down_block_types",
      {"SimpleCrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"},
      "SimpleCrossAttnDownBlock2D");
  invalid("mid_block_type", "UNetMidBlock2DSimpleCrossAttn", "mid_block_type");
  invalid("attention_head_dim", {1, 2, 4}, "attention_head_dim must be one value or one per block");
  invalid("attention_head_dim", 32, "for down_blocks.0 must be in [1, 8]");
  invalid("norm_num_groups", 3, "norm_num_groups");
  invalid("act_fn", "gelu", "act_fn");
}

TEST(UNet2DConditionModelTest, MissingTensorsAreNamed) {
  auto weights = case_weights("unet_sd1_micro");
  weights.erase("mid_block.attentions.0.transformer_blocks.0.attn2.to_v.weight");
  UNet2DConditionModel model(case_config("unet_sd1_micro"));
  expect_error([&] { copy_module_weights(*model, weights, "unet.safetensors", "this UNet"); },
               {"unet.safetensors", "missing tensors",
                "mid_block.attentions.0.transformer_blocks.0.attn2.to_v.weight"});
}

TEST(UNet2DConditionModelTest, InputsThatDoNotFitAreErrors) {
  UNet2DConditionModel model(case_config("unet_sd1_micro"));
  c10::InferenceMode inference;
  const torch::Tensor context = torch::zeros({2, 77, 16});
  const torch::Tensor t = torch::tensor({10.0f, 20.0f});
  expect_error(
      [&] {
        model->forward(torch::zeros({2, 4, 0, 16}), t, context);
      },
      {"0×16", "must be positive"});
  expect_error(
      [&] {
        model->forward(torch::zeros({2, 4, 16, 16}), t, torch::zeros({2, 77, 24}));
      },
      {"encoder_hidden_states", "cross_attention_dim", "[2, 77, 24]"});
  expect_error(
      [&] {
        model->forward(torch::zeros({2, 3, 16, 16}), t, context);
      },
      {"[batch, 4, height, width]"});
  expect_error(
      [&] {
        model->forward(torch::zeros({2, 4, 16, 16}), torch::tensor({1, 2, 3}), context);
      },
      {"timesteps"});
  expect_error(
      [&] {
        model->forward(torch::zeros({2, 4, 16, 16}, torch::kFloat64), t, context);
      },
      {"Double", "Float"});
}

// Converted weights run in their own dtype; under upcast_attention (unet_sd2_micro) the attention
// scores are taken in float32, as diffusers' get_attention_scores does.
TEST(UNet2DConditionModelTest, Float64WeightsMatchTheFloat32Reference) {
  for (const char* name : {"unet_sd1_micro", "unet_sd2_micro"}) {
    UNet2DConditionModel model = load_case(name);
    model->to(torch::kFloat64);
    c10::InferenceMode inference;
    const torch::Tensor out = model->forward(
        case_input(name, "sample.npy").to(torch::kFloat64), case_input(name, "timesteps.npy"),
        case_input(name, "encoder_hidden_states.npy").to(torch::kFloat64));
    EXPECT_EQ(out.scalar_type(), torch::kFloat64);
    EXPECT_LT(test::max_scaled_error(out, case_input(name, "output.npy")), 1e-4) << name;
  }
}

// diffusers broadcasts one timestep to the batch; its dtype does not matter.
TEST(UNet2DConditionModelTest, OneTimestepOfAnyDtypeIsBroadcast) {
  UNet2DConditionModel model = load_case("unet_sd1_micro");
  c10::InferenceMode inference;
  const torch::Tensor x = case_input("unet_sd1_micro", "sample.npy");
  const torch::Tensor context = case_input("unet_sd1_micro", "encoder_hidden_states.npy");
  const torch::Tensor each = model->forward(x, torch::tensor({35.0f, 35.0f}), context);
  EXPECT_TRUE(torch::equal(model->forward(x, torch::tensor(35), context), each));
  EXPECT_TRUE(
      torch::equal(model->forward(x, torch::tensor({35.0}, torch::kFloat64), context), each));
}

}  // namespace
}  // namespace emergence
