// The C++ CLIPTextModel against openai/CLIP's text transformer (tests/data/sd/clip_*_tiny, written
// by generate_clip_text.py): every hidden state and the clip-skip context from transformers-named,
// OpenCLIP-named and F16 weights, and the errors for files, ids and configs that do not fit.
#include "core/model/clip_text_model.h"

#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/json_file.h"
#include "core/model/safetensors.h"
#include "core/npy.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;

// The bound on every hidden state and the clip-skip output: 1e-5 · max(1, |ref|).
constexpr double kTolerance = 1e-5;
constexpr int64_t kShortTokens = 20;  // generate_clip_text.py SHORT

std::string case_file(const std::string& name, const std::string& file) {
  return data_path("sd/" + name + "/" + file);
}

ClipTextModel model_of(const std::string& name) {
  return ClipTextModel(clip_text_config_from_json(read_json_file(case_file(name, "config.json"))));
}

std::map<std::string, torch::Tensor> weights_of(const std::string& name, const std::string& file) {
  return read_safetensors(case_file(name, file));
}

ClipTextModel loaded(const std::string& name, const std::string& file = "model.safetensors") {
  ClipTextModel model = model_of(name);
  load_clip_text_weights(model, weights_of(name, file), name + "/" + file);
  return model;
}

torch::Tensor input_ids(const std::string& name) {
  return read_npy(case_file(name, "input_ids.npy"));
}

void expect_close(const torch::Tensor& actual, const std::string& name, const std::string& file,
                  const std::string& label) {
  const torch::Tensor expected = read_npy(case_file(name, file + ".npy"));
  ASSERT_EQ(actual.sizes(), expected.sizes()) << name << " " << file;
  const double err = test::max_scaled_error(actual, expected);
  EXPECT_LE(err, kTolerance) << name << " " << label << " " << file;
  std::printf("[ parity ] %s %s %s: max scaled error %.3g\n", name.c_str(), label.c_str(),
              file.c_str(), err);
}

// Every stored output of a case (files named `prefix`…) against the model's.
void expect_case_outputs(const std::string& name, const ClipTextModel& model,
                         const std::string& prefix, const std::string& label) {
  c10::InferenceMode inference;
  const torch::Tensor ids = input_ids(name);
  const ClipTextOutput out = model->forward(ids);
  const int layers = model->config().num_hidden_layers;
  ASSERT_EQ(out.hidden_states.size(), static_cast<size_t>(layers + 1));
  for (int i = 0; i <= layers; ++i) {
    expect_close(out.hidden_states[i], name, prefix + "hidden_states_" + std::to_string(i), label);
  }
  expect_close(out.last_hidden_state, name, prefix + "last_hidden_state", label);
  EXPECT_TRUE(torch::equal(model->encode(ids), out.last_hidden_state));
  expect_close(model->encode(ids, 1), name, prefix + "clip_skip_1", label);
  const torch::Tensor head = ids.narrow(1, 0, kShortTokens);
  expect_close(model->forward(head).last_hidden_state, name, prefix + "short_last_hidden_state",
               label);
  expect_close(model->encode(head, 1), name, prefix + "short_clip_skip_1", label);
}

class ClipTextParityTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ClipTextParityTest, TransformersNamedWeightsMatchOpenAiClip) {
  const std::string name = GetParam();
  const nlohmann::json c = test::read_case("sd/" + name);
  const ClipTextModel model = loaded(name);
  int64_t parameters = 0;
  for (const auto& p : model->parameters()) {
    parameters += p.numel();
  }
  EXPECT_EQ(parameters, c["num_parameters"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(model->named_parameters().size()),
            c["num_tensors"].get<int64_t>());
  expect_case_outputs(name, model, "", "transformers F32");
}

TEST_P(ClipTextParityTest, OpenClipNamedWeightsGiveTheSameEncoder) {
  const std::string name = GetParam();
  const std::map<std::string, torch::Tensor> openclip = weights_of(name, "openclip.safetensors");
  ClipTextModel model = model_of(name);
  const int layers = model->config().num_hidden_layers;
  const int resblocks = test::read_case("sd/" + name)["openclip_resblocks"].get<int>();
  EXPECT_EQ(
      openclip.count("transformer.resblocks." + std::to_string(resblocks - 1) + ".ln_1.weight"),
      1u);
  EXPECT_EQ(openclip.count("text_projection"), 1u);
  load_clip_text_weights(model, openclip_to_transformers_names(openclip, layers),
                         name + "/openclip.safetensors");
  expect_case_outputs(name, model, "", "openclip F32");

  c10::InferenceMode inference;
  const torch::Tensor ids = input_ids(name);
  EXPECT_TRUE(torch::equal(model->forward(ids).last_hidden_state,
                           loaded(name)->forward(ids).last_hidden_state));
}

INSTANTIATE_TEST_SUITE_P(Cases, ClipTextParityTest,
                         ::testing::Values("clip_sd1_tiny", "clip_sd2_tiny"));

TEST(ClipTextWeightsTest, Float16WeightsMatchTheirOwnReference) {
  const ClipTextModel model = loaded("clip_sd1_tiny", "model_f16.safetensors");
  expect_case_outputs("clip_sd1_tiny", model, "f16_", "transformers F16");
  // The F16 reference must differ from the F32 one, or the check above proves nothing about F16.
  const torch::Tensor f16 = read_npy(case_file("clip_sd1_tiny", "f16_last_hidden_state.npy"));
  const torch::Tensor f32 = read_npy(case_file("clip_sd1_tiny", "last_hidden_state.npy"));
  EXPECT_GT(test::max_scaled_error(f16, f32), 100 * kTolerance);
}

// Mapped files hand over F16 views, converted only when copied into the encoder.
TEST(ClipTextWeightsTest, MappedFloat16FileLoadsTheSameEncoder) {
  const SafetensorsFile file(case_file("clip_sd1_tiny", "model_f16.safetensors"));
  ASSERT_EQ(file.tensors().at("text_model.final_layer_norm.weight").scalar_type(), torch::kHalf);
  ClipTextModel model = model_of("clip_sd1_tiny");
  load_clip_text_weights(model, file.tensors(), file.path());
  c10::InferenceMode inference;
  const torch::Tensor ids = input_ids("clip_sd1_tiny");
  EXPECT_TRUE(torch::equal(model->encode(ids, 1),
                           loaded("clip_sd1_tiny", "model_f16.safetensors")->encode(ids, 1)));
}

TEST(ClipTextWeightsTest, UnprefixedNamesAndIgnoredTensorsLoadTheSameEncoder) {
  std::map<std::string, torch::Tensor> bare;
  for (const auto& [name, tensor] : weights_of("clip_sd1_tiny", "model.safetensors")) {
    ASSERT_EQ(name.rfind("text_model.", 0), 0u) << name;
    bare[name.substr(11)] = tensor;
  }
  bare["embeddings.position_ids"] = torch::arange(77, torch::kLong).unsqueeze(0);
  bare["text_projection.weight"] = torch::ones({512, 32});
  bare["logit_scale"] = torch::tensor(4.6f);
  ClipTextModel model = model_of("clip_sd1_tiny");
  load_clip_text_weights(model, bare, "bare names");

  // Rounded float position_ids, as some re-saved checkpoints carry them, are ignored too.
  std::map<std::string, torch::Tensor> rounded = weights_of("clip_sd1_tiny", "model.safetensors");
  rounded["text_model.embeddings.position_ids"] = torch::arange(77).to(torch::kFloat) + 0.25;
  ClipTextModel other = model_of("clip_sd1_tiny");
  load_clip_text_weights(other, rounded, "float position_ids");

  c10::InferenceMode inference;
  const torch::Tensor ids = input_ids("clip_sd1_tiny");
  const torch::Tensor expected = loaded("clip_sd1_tiny")->forward(ids).last_hidden_state;
  EXPECT_TRUE(torch::equal(model->forward(ids).last_hidden_state, expected));
  EXPECT_TRUE(torch::equal(other->forward(ids).last_hidden_state, expected));
  EXPECT_TRUE(torch::equal(model->forward(ids.to(torch::kInt)).last_hidden_state, expected));
}

// The message of the Error `action` throws ("" when it throws none).
template <typename F>
std::string error_of(F action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ClipTextWeightsTest, FilesThatDoNotFitNameTheTensor) {
  const auto base = weights_of("clip_sd1_tiny", "model.safetensors");
  ClipTextModel model = model_of("clip_sd1_tiny");

  auto missing = base;
  missing.erase("text_model.final_layer_norm.bias");
  std::string m = error_of([&] { load_clip_text_weights(model, missing, "te.safetensors"); });
  EXPECT_NE(m.find("te.safetensors"), std::string::npos) << m;
  EXPECT_NE(m.find("missing tensors: final_layer_norm.bias"), std::string::npos) << m;

  auto misshapen = base;
  misshapen["text_model.encoder.layers.2.self_attn.q_proj.weight"] = torch::zeros({32, 31});
  test::TempFolder folder;
  const std::string path = folder.file("model.safetensors");
  const std::vector<uint8_t> bytes = encode_safetensors(misshapen);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  m = error_of([&] { load_clip_text_weights(model, read_safetensors(path), path); });
  EXPECT_NE(m.find(path + ": tensor 'encoder.layers.2.self_attn.q_proj.weight' has shape [32, 31]"),
            std::string::npos)
      << m;

  auto extra = base;
  extra["text_model.encoder.layers.5.mlp.fc1.weight"] = torch::zeros({37, 32});
  m = error_of([&] { load_clip_text_weights(model, extra, "te.safetensors"); });
  EXPECT_NE(m.find("unexpected tensors: encoder.layers.5.mlp.fc1.weight"), std::string::npos) << m;

  auto twice = base;
  twice["final_layer_norm.bias"] = base.at("text_model.final_layer_norm.bias");
  m = error_of([&] { load_clip_text_weights(model, twice, "te.safetensors"); });
  EXPECT_NE(m.find("'final_layer_norm.bias' appears both with and without"), std::string::npos)
      << m;

  auto openclip = weights_of("clip_sd2_tiny", "openclip.safetensors");
  openclip["transformer.resblocks.1.attn.in_proj_weight"] = torch::zeros({95, 32});
  m = error_of([&] { openclip_to_transformers_names(openclip, 5); });
  EXPECT_NE(m.find("'transformer.resblocks.1.attn.in_proj_weight' has shape [95, 32]"),
            std::string::npos)
      << m;
  openclip = weights_of("clip_sd2_tiny", "openclip.safetensors");
  openclip["transformer.resblocks.0.attn.in_proj_bias"] = torch::zeros({31});
  m = error_of([&] { openclip_to_transformers_names(openclip, 5); });
  EXPECT_NE(m.find("'transformer.resblocks.0.attn.in_proj_bias' has shape [31]"), std::string::npos)
      << m;
}

TEST(ClipTextModelTest, BadClipSkipAndIdsAreErrorsNamingTheValue) {
  const ClipTextModel model = loaded("clip_sd1_tiny");
  c10::InferenceMode inference;
  const torch::Tensor ids = input_ids("clip_sd1_tiny");
  for (int skip : {-1, 5}) {
    const std::string m = error_of([&] { model->encode(ids, skip); });
    EXPECT_NE(m.find("clip_skip " + std::to_string(skip) + " "), std::string::npos) << m;
    EXPECT_NE(m.find("0 to 4"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(model->encode(ids, 4));

  torch::Tensor wrong = ids.clone();
  wrong[1][7] = 1000;
  std::string m = error_of([&] { model->forward(wrong); });
  EXPECT_NE(m.find("input id 1000 (sequence 1, position 7)"), std::string::npos) << m;
  EXPECT_NE(m.find("0 to 999"), std::string::npos) << m;
  wrong[1][7] = -3;
  m = error_of([&] { model->encode(wrong, 1); });
  EXPECT_NE(m.find("input id -3 "), std::string::npos) << m;

  m = error_of([&] { model->forward(torch::zeros({1, 78}, torch::kLong)); });
  EXPECT_NE(m.find("78 tokens"), std::string::npos) << m;
  m = error_of([&] { model->forward(torch::zeros({77}, torch::kLong)); });
  EXPECT_NE(m.find("[batch, tokens]"), std::string::npos) << m;
  m = error_of([&] { model->forward(torch::zeros({1, 5})); });
  EXPECT_NE(m.find("integers"), std::string::npos) << m;
}

TEST(ClipTextConfigTest, DefaultsAreTransformersAndTheFixtureRoundTrips) {
  const ClipTextConfig d = clip_text_config_from_json(nlohmann::json::object());
  EXPECT_EQ(d.vocab_size, 49408);
  EXPECT_EQ(d.hidden_size, 512);
  EXPECT_EQ(d.intermediate_size, 2048);
  EXPECT_EQ(d.projection_dim, 512);
  EXPECT_EQ(d.num_hidden_layers, 12);
  EXPECT_EQ(d.num_attention_heads, 8);
  EXPECT_EQ(d.max_position_embeddings, 77);
  EXPECT_EQ(d.hidden_act, "quick_gelu");
  EXPECT_DOUBLE_EQ(d.layer_norm_eps, 1e-5);
  EXPECT_EQ(d.pad_token_id, 1);
  EXPECT_EQ(d.bos_token_id, 49406);
  EXPECT_EQ(d.eos_token_id, 49407);

  const nlohmann::json file = read_json_file(case_file("clip_sd2_tiny", "config.json"));
  const ClipTextConfig c = clip_text_config_from_json(file);
  EXPECT_EQ(c.hidden_act, "gelu");
  EXPECT_EQ(c.intermediate_size, 37);
  EXPECT_EQ(c.bos_token_id, 0);
  EXPECT_EQ(c.eos_token_id, 2);
  const nlohmann::json written = to_json(c);
  EXPECT_EQ(written["architectures"], nlohmann::json::array({"CLIPTextModel"}));
  EXPECT_EQ(written["model_type"], "clip_text_model");
  for (const auto& [key, value] : written.items()) {
    EXPECT_EQ(file.at(key), value) << key;
  }
}

TEST(ClipTextConfigTest, ConfigsTheEncoderCannotBuildNameTheField) {
  test::TempFolder folder;
  nlohmann::json config = read_json_file(case_file("clip_sd1_tiny", "config.json"));
  config["hidden_act"] = "relu";
  std::ofstream(folder.file("config.json")) << config.dump();
  std::string m =
      error_of([&] { clip_text_config_from_json(read_json_file(folder.file("config.json"))); });
  EXPECT_NE(m.find("hidden_act 'relu' is not supported (quick_gelu or gelu)"), std::string::npos)
      << m;

  const std::pair<nlohmann::json, std::string> cases[] = {
      {{{"hidden_size", 30}, {"num_attention_heads", 4}}, "num_attention_heads 4"},
      {{{"hidden_size", "big"}}, "'hidden_size'"},
      {{{"num_hidden_layers", 0}}, "num_hidden_layers must be in [1, 256] (got 0)"},
      {{{"vocab_size", 2.5}}, "'vocab_size'"},
      {{{"hidden_act", 3}}, "'hidden_act' must be a string"},
      {{{"layer_norm_eps", 0}}, "layer_norm_eps must be a positive number"},
      {{{"max_position_embeddings", -77}}, "max_position_embeddings"},
  };
  for (const auto& [json, expected] : cases) {
    m = error_of([&] { clip_text_config_from_json(json); });
    EXPECT_NE(m.find(expected), std::string::npos) << json.dump() << ": " << m;
  }
}

}  // namespace
}  // namespace emergence
