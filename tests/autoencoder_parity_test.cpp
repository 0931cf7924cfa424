// AutoencoderKL and AutoencoderTiny (TAESD) against diffusers v0.35.2 (tests/data/sd/vae_micro,
// taesd_default, taesd_test; generate_autoencoders.py), both weight layouts of TAESD, and the
// errors for configs and files that do not fit.
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/json_file.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/autoencoder_tiny.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "core/noise_source.h"
#include "core/npy.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;

constexpr double kTolerance = 1e-4;  // issue 12: ≤ 1e-4·max(1, |ref|)

torch::Tensor fixture(const std::string& folder, const std::string& name) {
  return read_npy(data_path("sd/" + folder + "/" + name + ".npy"));
}

// Checks one output against its reference and prints the figure for the report.
void expect_parity(const torch::Tensor& output, const std::string& folder, const std::string& name,
                   const std::string& label) {
  const torch::Tensor expected = fixture(folder, name);
  ASSERT_EQ(output.sizes(), expected.sizes()) << label;
  const double err = test::max_scaled_error(output, expected);
  EXPECT_LT(err, kTolerance) << label;
  std::printf("[ parity ] %s: max scaled error %.3g\n", label.c_str(), err);
}

std::string expect_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no emergence::Error was thrown";
  return {};
}

int64_t parameter_count(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) {
    count += p.numel();
  }
  return count;
}

TEST(AutoencoderKLParityTest, DecodeAndEncodeMatchDiffusersOnBothPaths) {
  const nlohmann::json c = test::read_case("sd/vae_micro");
  AutoencoderKL vae = load_autoencoder_kl(data_path("sd/vae_micro"));
  EXPECT_EQ(parameter_count(*vae), c["num_parameters"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(module_state(*vae).size()), c["num_tensors"].get<int64_t>());
  EXPECT_DOUBLE_EQ(vae->config().scaling_factor, 0.18215);
  c10::InferenceMode inference;
  for (bool fast : {false, true}) {
    vae->set_fast_inference(fast);
    const std::string path = fast ? " (optimised)" : " (plain)";
    expect_parity(vae->decode(fixture("vae_micro", "z")), "vae_micro", "decoded",
                  "vae_micro decode" + path);
    const LatentDistribution dist = vae->encode(fixture("vae_micro", "image"));
    expect_parity(dist.mean, "vae_micro", "mean", "vae_micro encode mean" + path);
    expect_parity(dist.logvar, "vae_micro", "logvar", "vae_micro encode logvar" + path);
    SeededNoise noise(c["sample_seed"].get<uint64_t>());
    expect_parity(dist.sample(noise), "vae_micro", "sample", "vae_micro latent_dist.sample" + path);
  }
}

TEST(AutoencoderKLParityTest, DeprecatedAttentionNamesLoadToTheSameModel) {
  const std::string weights = data_path("sd/vae_micro/diffusion_pytorch_model.safetensors");
  std::map<std::string, torch::Tensor> legacy;
  int renamed = 0;
  for (const auto& [name, tensor] : read_safetensors(weights)) {
    std::string old = name;
    const std::pair<std::string, std::string> renames[] = {{".to_q.", ".query."},
                                                           {".to_k.", ".key."},
                                                           {".to_v.", ".value."},
                                                           {".to_out.0.", ".proj_attn."}};
    for (const auto& [modern, deprecated] : renames) {
      const size_t at = old.find(modern);
      if (at != std::string::npos) {
        old = old.substr(0, at) + deprecated + old.substr(at + modern.size());
        ++renamed;
      }
    }
    legacy[old] = tensor;
  }
  EXPECT_EQ(renamed, 16);  // weight and bias of four layers in each of two mid blocks
  AutoencoderKL vae(
      autoencoder_kl_config_from_json(read_json_file(data_path("sd/vae_micro/config.json"))));
  load_autoencoder_kl_weights(*vae, legacy, "legacy.safetensors");
  c10::InferenceMode inference;
  expect_parity(vae->decode(fixture("vae_micro", "z")), "vae_micro", "decoded",
                "vae_micro decode from deprecated names");
}

TEST(AutoencoderKLTest, TheRealSdArchitectureHasDiffusersParameterCounts) {
  const nlohmann::json sd = test::read_case("sd/vae_micro")["sd_architecture"];
  AutoencoderKL vae(autoencoder_kl_config_from_json(sd["config_passed"]));
  EXPECT_EQ(parameter_count(*vae), sd["num_parameters"].get<int64_t>());
  int64_t decoder = 0;
  for (const auto& item : vae->named_parameters()) {
    const std::string& name = item.key();
    if (name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0) {
      decoder += item.value().numel();
    }
  }
  EXPECT_EQ(decoder, sd["decoder_num_parameters"].get<int64_t>());
}

TEST(AutoencoderKLTest, LatentDistributionClampsTheLogVarianceAsDiffusers) {
  const torch::Tensor moments = torch::tensor({0.5f, -1.0f, 50.0f, -80.0f}).reshape({1, 4, 1, 1});
  const LatentDistribution dist = latent_distribution(moments);
  EXPECT_EQ(dist.mean.sizes(), (std::vector<int64_t>{1, 2, 1, 1}));
  EXPECT_FLOAT_EQ(dist.mean.flatten()[1].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(dist.logvar.flatten()[0].item<float>(), 20.0f);
  EXPECT_FLOAT_EQ(dist.logvar.flatten()[1].item<float>(), -30.0f);
  EXPECT_FLOAT_EQ(dist.std().flatten()[0].item<float>(), std::exp(10.0f));
}

TEST(AutoencoderKLTest, ConfigRoundTripsThroughJson) {
  const AutoencoderKLConfig c =
      autoencoder_kl_config_from_json(read_json_file(data_path("sd/vae_micro/config.json")));
  EXPECT_EQ(c.block_out_channels, (std::vector<int>{8, 16, 16, 16}));
  EXPECT_EQ(c.layers_per_block, 2);
  EXPECT_EQ(c.norm_num_groups, 4);
  EXPECT_FALSE(c.shift_factor.has_value());
  EXPECT_EQ(to_json(autoencoder_kl_config_from_json(to_json(c))), to_json(c));
  // SD 1.x vae/config.json files predate scaling_factor: the default is SD's.
  nlohmann::json old = to_json(c);
  old.erase("scaling_factor");
  EXPECT_DOUBLE_EQ(autoencoder_kl_config_from_json(old).scaling_factor, 0.18215);
}

TEST(AutoencoderKLTest, UnsupportedConfigsAreRefusedByField) {
  const nlohmann::json base = read_json_file(data_path("sd/vae_micro/config.json"));
  const auto message = [&](const char* key, const nlohmann::json& value) {
    nlohmann::json j = base;
    j[key] = value;
    return expect_error([&] { autoencoder_kl_config_from_json(j); });
  };
  {
    nlohmann::json types = base["down_block_types"];
    types[1] = "AttnDownEncoderBlock2D";
    EXPECT_NE(message("down_block_types", types)
                  .find("down_block_types[1] is 'AttnDownEncoderBlock2D'; only DownEncoderBlock2D"),
              std::string::npos);
  }
  EXPECT_NE(message("up_block_types", {"UpDecoderBlock2D"}).find("same length"), std::string::npos);
  EXPECT_NE(message("shift_factor", 0.1159).find("shift_factor 0.115900 is not supported"),
            std::string::npos);
  EXPECT_NO_THROW({
    nlohmann::json j = base;
    j["shift_factor"] = 0.0;
    autoencoder_kl_config_from_json(j);
  });
  EXPECT_NE(message("latents_mean", {0.1, 0.2, 0.3, 0.4}).find("latents_mean a list is not"),
            std::string::npos);
  EXPECT_NE(message("norm_num_groups", 3).find("multiple of norm_num_groups (3"),
            std::string::npos);
  EXPECT_NE(message("layers_per_block", "2").find("'layers_per_block'"), std::string::npos);
  EXPECT_NE(message("_class_name", "AutoencoderKLWan").find("expected AutoencoderKL"),
            std::string::npos);
}

TEST(AutoencoderKLTest, WeightsThatDoNotFitAreRefusedByTensor) {
  const std::string weights = data_path("sd/vae_micro/diffusion_pytorch_model.safetensors");
  const AutoencoderKLConfig config =
      autoencoder_kl_config_from_json(read_json_file(data_path("sd/vae_micro/config.json")));
  std::map<std::string, torch::Tensor> tensors = read_safetensors(weights);
  AutoencoderKL vae(config);

  auto misshapen = tensors;
  misshapen["decoder.conv_in.weight"] = torch::zeros({16, 4, 1, 1});
  const std::string shape =
      expect_error([&] { load_autoencoder_kl_weights(*vae, misshapen, "f"); });
  EXPECT_NE(shape.find("f: tensor 'decoder.conv_in.weight' has shape [16, 4, 1, 1]"),
            std::string::npos)
      << shape;

  auto missing = tensors;
  missing.erase("encoder.mid_block.attentions.0.to_k.bias");
  const std::string gone = expect_error([&] { load_autoencoder_kl_weights(*vae, missing, "f"); });
  EXPECT_NE(gone.find("missing tensors: encoder.mid_block.attentions.0.to_k.bias"),
            std::string::npos)
      << gone;

  AutoencoderKLConfig no_quant = config;
  no_quant.use_quant_conv = false;
  AutoencoderKL smaller(no_quant);
  const std::string extra =
      expect_error([&] { load_autoencoder_kl_weights(*smaller, tensors, "f"); });
  EXPECT_NE(extra.find("unexpected tensors: quant_conv.bias, quant_conv.weight"), std::string::npos)
      << extra;

  const std::string input = expect_error([&] { vae->decode(torch::zeros({1, 3, 8, 8})); });
  EXPECT_NE(input.find("decode: expected a [B, 4, H, W] tensor, got [1, 3, 8, 8]"),
            std::string::npos)
      << input;
  EXPECT_NE(expect_error([&] {
              vae->encode(torch::zeros({3, 64, 64}));
            }).find("encode"),
            std::string::npos);
}

TEST(AutoencoderKLTest, FolderErrorsNameTheFile) {
  test::TempFolder folder;
  nlohmann::json config = read_json_file(data_path("sd/vae_micro/config.json"));
  config["up_block_types"][0] = "AttnUpDecoderBlock2D";
  std::ofstream(folder.file("config.json")) << config.dump();
  const std::string message = expect_error([&] { load_autoencoder_kl(folder.path()); });
  EXPECT_NE(message.find(folder.file("config.json") +
                         ": AutoencoderKL config: up_block_types[0] is 'AttnUpDecoderBlock2D'"),
            std::string::npos)
      << message;
}

TEST(AutoencoderTinyParityTest, DiffusersFoldersMatchDiffusersOnBothPaths) {
  for (const std::string name : {"taesd_default", "taesd_test"}) {
    const nlohmann::json c = test::read_case("sd/" + name);
    AutoencoderTiny taesd = load_autoencoder_tiny(data_path("sd/" + name));
    EXPECT_EQ(parameter_count(*taesd), c["num_parameters"].get<int64_t>()) << name;
    EXPECT_EQ(static_cast<int64_t>(module_state(*taesd).size()), c["num_tensors"].get<int64_t>());
    c10::InferenceMode inference;
    for (bool fast : {false, true}) {
      taesd->set_fast_inference(fast);
      const std::string path = fast ? " (optimised)" : " (plain)";
      expect_parity(taesd->decode(fixture(name, "latents")), name, "decoded",
                    name + " decode" + path);
      expect_parity(taesd->encode(fixture(name, "image")), name, "encoded",
                    name + " encode" + path);
    }
  }
}

TEST(AutoencoderTinyParityTest, OriginalTaesdFilesMatchDiffusers) {
  // The real TAESD decoder file alone, as madebyollin ships it.
  AutoencoderTiny decoder_only =
      load_taesd_files(data_path("sd/taesd_default/taesd_decoder.safetensors"));
  EXPECT_FALSE(decoder_only->has_encoder());
  const AutoencoderTinyConfig config =
      autoencoder_tiny_config_from_json(read_json_file(data_path("sd/taesd_test/config.json")));
  // Both original files of diffusers' test architecture.
  AutoencoderTiny both =
      load_taesd_files(data_path("sd/taesd_test/taesd_decoder.safetensors"),
                       data_path("sd/taesd_test/taesd_encoder.safetensors"), config);
  // A diffusers file serves as a decoder file too: only its decoder part is taken.
  AutoencoderTiny from_diffusers =
      load_taesd_files(data_path("sd/taesd_test/diffusion_pytorch_model.safetensors"), {}, config);

  c10::InferenceMode inference;
  expect_parity(decoder_only->decode(fixture("taesd_default", "latents")), "taesd_default",
                "decoded", "taesd_default decode from taesd_decoder.safetensors");
  EXPECT_NE(expect_error([&] {
              decoder_only->encode(fixture("taesd_default", "image"));
            }).find("without its encoder"),
            std::string::npos);

  expect_parity(both->decode(fixture("taesd_test", "latents")), "taesd_test", "decoded",
                "taesd_test decode from taesd_decoder.safetensors");
  expect_parity(both->encode(fixture("taesd_test", "image")), "taesd_test", "encoded",
                "taesd_test encode from taesd_encoder.safetensors");

  expect_parity(from_diffusers->decode(fixture("taesd_test", "latents")), "taesd_test", "decoded",
                "taesd_test decode, decoder part of the diffusers file");
}

TEST(AutoencoderTinyTest, ConfigsAndFilesThatDoNotFitAreRefused) {
  const nlohmann::json base = read_json_file(data_path("sd/taesd_default/config.json"));
  const AutoencoderTinyConfig c = autoencoder_tiny_config_from_json(base);
  EXPECT_EQ(c.num_decoder_blocks, (std::vector<int>{3, 3, 3, 1}));
  EXPECT_DOUBLE_EQ(c.scaling_factor, 1.0);
  EXPECT_EQ(to_json(autoencoder_tiny_config_from_json(to_json(c))), to_json(c));
  const auto message = [&](const char* key, const nlohmann::json& value) {
    nlohmann::json j = base;
    j[key] = value;
    return expect_error([&] { autoencoder_tiny_config_from_json(j); });
  };
  EXPECT_NE(message("decoder_block_out_channels", {64, 64, 32, 64})
                .find("every decoder_block_out_channels entry must be the same"),
            std::string::npos);
  EXPECT_NE(message("num_encoder_blocks", {1, 3}).find("num_encoder_blocks must have as many"),
            std::string::npos);
  EXPECT_NE(message("upsample_fn", "bilinear").find("upsample_fn 'bilinear'"), std::string::npos);
  EXPECT_NE(message("shift_factor", 0.5).find("shift_factor 0.500000 is not supported"),
            std::string::npos);

  const std::string file = data_path("sd/taesd_default/taesd_decoder.safetensors");
  std::map<std::string, torch::Tensor> tensors = read_safetensors(file);
  auto renamed = tensors;
  renamed["0.weight"] = renamed.at("1.weight");
  EXPECT_NE(expect_error([&] {
              taesd_part_in_diffusers_names(renamed, TinyLayerStackImpl::Part::Decoder, "d");
            }).find("d: tensor '0.weight' cannot be a TAESD decoder tensor"),
            std::string::npos);
  renamed = tensors;
  renamed["clamp.scale"] = torch::ones({1});
  EXPECT_NE(expect_error([&] {
              taesd_part_in_diffusers_names(renamed, TinyLayerStackImpl::Part::Decoder, "d");
            }).find("d: tensor 'clamp.scale' is in neither diffusers' layout"),
            std::string::npos);

  AutoencoderTiny decoder_only(c, false);
  auto diffusers_names =
      taesd_part_in_diffusers_names(tensors, TinyLayerStackImpl::Part::Decoder, file);
  diffusers_names.erase("decoder.layers.18.bias");
  diffusers_names["decoder.layers.6.weight"] = torch::zeros({64, 64, 3, 3, 1});
  const std::string wrong =
      expect_error([&] { load_autoencoder_tiny_weights(*decoder_only, diffusers_names, file); });
  EXPECT_NE(wrong.find(file + " does not match the AutoencoderTiny decoder: missing tensors: "
                              "decoder.layers.18.bias"),
            std::string::npos)
      << wrong;
  diffusers_names["decoder.layers.18.bias"] = torch::zeros({3});
  const std::string shape =
      expect_error([&] { load_autoencoder_tiny_weights(*decoder_only, diffusers_names, file); });
  EXPECT_NE(shape.find("tensor 'decoder.layers.6.weight' has shape [64, 64, 3, 3, 1]"),
            std::string::npos)
      << shape;
}

}  // namespace
}  // namespace emergence
