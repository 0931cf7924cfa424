// Files that are not SD 1.x/2.x single-file checkpoints, each refused with a message that names
// the file and what it is (open_model, as the CLI and the window open models).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/model/safetensors.h"
#include "core/sd/model_loading.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::data_path;

class RefusedFile : public ::testing::Test {
 protected:
  // A .safetensors file of small float tensors under these names (shape [4] unless given).
  std::string write(const std::string& name, const std::map<std::string, torch::Tensor>& tensors) {
    const std::string path = folder_.file(name);
    const std::vector<uint8_t> bytes = encode_safetensors(tensors);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  std::string write_names(const std::string& name, const std::vector<std::string>& names) {
    std::map<std::string, torch::Tensor> tensors;
    for (const std::string& n : names) {
      tensors[n] = torch::zeros({4});
    }
    return write(name, tensors);
  }
  void expect_refused(const std::string& path, const std::vector<std::string>& parts) {
    try {
      open_model(path);
      FAIL() << "no error for " << path;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      for (const std::string& part : parts) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
      }
    }
  }
  // The tiny SD 1 checkpoint's float tensors (its ints left out).
  static std::map<std::string, torch::Tensor> sd1_floats() {
    const SafetensorsFile file(data_path("sd/single_file/sd1.safetensors"));
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, tensor] : file.tensors()) {
      out[name] = tensor.clone();
    }
    return out;
  }
  // Those with one replaced.
  std::string sd1_with(const std::string& file, const std::string& name, torch::Tensor tensor) {
    auto tensors = sd1_floats();
    tensors[name] = std::move(tensor);
    return write(file, tensors);
  }
  test::TempFolder folder_;
};

TEST_F(RefusedFile, PickleFilesAreNeverOpened) {
  for (const char* name : {"v1-5.ckpt", "model.pt", "model.PTH", "pytorch_model.bin"}) {
    const std::string path = folder_.file(name);
    std::ofstream(path) << "\x80\x02}q\x00.";
    expect_refused(path, {"pickle", "arbitrary code",
                          "convert_original_stable_diffusion_to_"
                          "diffusers.py",
                          "--to_safetensors"});
  }
  const std::string other = folder_.file("model.gguf");
  std::ofstream(other) << "GGUF";
  expect_refused(other, {"does not open", ".gguf"});
}

TEST_F(RefusedFile, OtherFamiliesAreNamed) {
  expect_refused(
      write_names("xl.safetensors",
                  {"conditioner.embedders.0.transformer.text_model.final_layer_norm.bias",
                   "model.diffusion_model.input_blocks.0.0.bias"}),
      {"Stable Diffusion XL", "conditioner.embedders"});
  expect_refused(write_names("sd3.safetensors",
                             {"model.diffusion_model.joint_blocks.0.x_block.attn.qkv.bias"}),
                 {"Stable Diffusion 3"});
  expect_refused(write_names("flux.safetensors", {"double_blocks.0.img_attn.norm.key_norm.scale"}),
                 {"Flux"});
}

TEST_F(RefusedFile, LorasAndLycorisAreNotModels) {
  for (const std::string& name :
       {std::string("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"),
        std::string("lora_te_text_model_encoder_layers_0_mlp_fc1.alpha"),
        std::string("lora_unet_input_blocks_1_1_proj_in.hada_w1_a"),
        std::string("unet.down_blocks.0.attentions.0.to_q.lora_A.weight")}) {
    expect_refused(write_names("lora.safetensors", {name}), {"LoRA", "not a model"});
  }
}

TEST_F(RefusedFile, PartsOnTheirOwnAreNamed) {
  expect_refused(write_names("vae.safetensors", {"encoder.down.0.block.0.conv1.weight",
                                                 "decoder.up.0.block.0.conv1.weight"}),
                 {"VAE on its own"});
  // diffusers' AutoencoderKL file and both TAESD layouts, as shipped in tests/data.
  const std::string vae = folder_.file("diffusers_vae.safetensors");
  fs::copy_file(data_path("sd/vae_micro/diffusion_pytorch_model.safetensors"), vae);
  expect_refused(vae, {"VAE on its own"});
  const std::string taesd = folder_.file("taesd.safetensors");
  fs::copy_file(data_path("sd/taesd_default/diffusion_pytorch_model.safetensors"), taesd);
  expect_refused(taesd, {"TAESD"});
  const std::string decoder = folder_.file("taesd_decoder.safetensors");
  fs::copy_file(data_path("sd/taesd_default/taesd_decoder.safetensors"), decoder);
  expect_refused(decoder, {"TAESD"});
  expect_refused(write_names("te.safetensors",
                             {"cond_stage_model.transformer.text_model.final_layer_norm.bias"}),
                 {"text encoder on its own"});
  const std::string unet = folder_.file("diffusion_pytorch_model.safetensors");
  fs::copy_file(data_path("sd/unet_sd1_micro/diffusion_pytorch_model.safetensors"), unet);
  expect_refused(unet, {"part of a diffusers model folder"});
  expect_refused(write("unet_only.safetensors", {{"model.diffusion_model.input_blocks.0.0.weight",
                                                  torch::zeros({32, 4, 3, 3})}}),
                 {"no VAE"});
}

TEST_F(RefusedFile, InpaintingAndPix2PixUnetsAreNotSupportedYet) {
  expect_refused(sd1_with("inpaint.safetensors", "model.diffusion_model.input_blocks.0.0.weight",
                          torch::zeros({32, 9, 3, 3})),
                 {"inpainting", "9 channels", "not run yet"});
  expect_refused(sd1_with("pix2pix.safetensors", "model.diffusion_model.input_blocks.0.0.weight",
                          torch::zeros({32, 8, 3, 3})),
                 {"InstructPix2Pix", "8 channels"});
}

TEST_F(RefusedFile, UnknownTruncatedAndMisshapenFilesAreNamed) {
  expect_refused(write_names("unknown.safetensors", {"foo.weight", "bar.bias"}),
                 {"not a Stable Diffusion checkpoint", "2 tensors", "bar.bias"});
  expect_refused(write("empty.safetensors", {}), {"not a Stable Diffusion checkpoint", "none"});
  const std::string truncated = folder_.file("truncated.safetensors");
  fs::copy_file(data_path("sd/single_file/sd1.safetensors"), truncated);
  fs::resize_file(truncated, fs::file_size(truncated) / 2);
  expect_refused(truncated, {"outside the data section"});
  const std::string garbage = folder_.file("garbage.safetensors");
  std::ofstream(garbage) << "this is not a safetensors file at all";
  expect_refused(garbage, {});
  // A UNet whose cross-attention does not fit the text encoder.
  expect_refused(
      sd1_with("mismatch.safetensors",
               "model.diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k.weight",
               torch::zeros({32, 6})),
      {"6-wide", "4-wide"});
  // A text encoder narrower than CLIP's vocabulary.
  expect_refused(sd1_with("vocab.safetensors",
                          "cond_stage_model.transformer.text_model.embeddings.token_embedding."
                          "weight",
                          torch::zeros({1000, 4})),
                 {"1000 token embeddings"});
  // A missing tensor is named.
  auto tensors = sd1_floats();
  tensors.erase("model.diffusion_model.out.2.weight");
  expect_refused(write("missing.safetensors", tensors), {"model.diffusion_model.out.2.weight"});
}

// Every 9th tensor of the SD 1 file (in name order, all three models), dropped or given a
// wrong shape: the file is refused with an Error naming it and that tensor, never a libtorch
// error or a crash.
TEST_F(RefusedFile, EachMissingOrMisshapenTensorIsNamed) {
  const std::map<std::string, torch::Tensor> floats = sd1_floats();
  int checked = 0;
  int index = 0;
  for (const auto& [name, tensor] : floats) {
    if (index++ % 9 != 0 || name.rfind("model_ema", 0) == 0 ||
        name.find('.') == std::string::npos) {
      continue;
    }
    for (const bool drop : {true, false}) {
      auto mutated = floats;
      if (drop) {
        mutated.erase(name);
      } else {
        mutated[name] = torch::zeros({3, 1, 2});
      }
      const std::string path = write("mutated.safetensors", mutated);
      try {
        open_model(path);
        ADD_FAILURE() << "no error with " << name << (drop ? " dropped" : " misshapen");
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 80);
}

}  // namespace
}  // namespace emergence
