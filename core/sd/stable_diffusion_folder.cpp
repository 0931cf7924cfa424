#include "stable_diffusion_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

bool exists_as_file(const fs::path& p) {
  std::error_code ignored;
  return fs::is_regular_file(p, ignored);
}

// Pipelines of other model families, by model_index.json's _class_name prefix, with the name an
// artist knows them by.
constexpr std::pair<const char*, const char*> kOtherFamilies[] = {
    {"StableDiffusionXL", "Stable Diffusion XL"},
    {"StableDiffusion3", "Stable Diffusion 3"},
    {"Flux", "Flux"},
    {"Kandinsky", "Kandinsky"},
    {"PixArt", "PixArt"},
    {"Sana", "Sana"},
    {"StableCascade", "Stable Cascade"},
    {"Wuerstchen", "Würstchen"},
    {"IF", "DeepFloyd IF"},
    {"Hunyuan", "Hunyuan-DiT"},
    {"Lumina", "Lumina"},
    {"AuraFlow", "AuraFlow"},
    {"LatentConsistencyModel", "a latent consistency model"},
    {"StableVideoDiffusion", "Stable Video Diffusion"},
    {"StableDiffusionUpscale", "the SD ×4 upscaler"},
    {"StableDiffusionLatentUpscale", "the SD latent upscaler"},
    {"StableDiffusionDepth2Img", "SD 2 depth-to-image"},
    {"StableDiffusionInstructPix2Pix", "InstructPix2Pix"},
    {"StableUnCLIP", "Stable unCLIP"},
};

// The SD 1/2 pipelines whose folders hold the same five parts.
constexpr const char* kStableDiffusionPipelines[] = {
    "StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline", "StableDiffusionInpaintPipeline"};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string pipeline_class_of(const fs::path& root) {
  const fs::path index = root / "model_index.json";
  const nlohmann::json j = read_json_file(index.string());
  if (!j.is_object() || !j.contains("_class_name") || !j["_class_name"].is_string()) {
    throw Error(index.string() + " has no \"_class_name\" string naming its pipeline");
  }
  return j["_class_name"].get<std::string>();
}

void refuse_other_families(const std::string& dir, const std::string& pipeline) {
  for (const auto& [prefix, family] : kOtherFamilies) {
    if (starts_with(pipeline, prefix)) {
      throw Error(dir + " is a " + family + " model (" + pipeline +
                  "); Emergence runs Stable Diffusion 1.x and 2.x models");
    }
  }
  if (std::find(std::begin(kStableDiffusionPipelines), std::end(kStableDiffusionPipelines),
                pipeline) == std::end(kStableDiffusionPipelines)) {
    throw Error(dir + " holds a " + pipeline +
                ", which Emergence does not run (it runs StableDiffusionPipeline folders of SD 1.x "
                "and 2.x)");
  }
}

// A config read through `parse`, with the file named in any error it raises.
template <typename Parse>
auto read_config(const fs::path& path, Parse parse) {
  if (!exists_as_file(path)) {
    throw Error("missing " + path.string() + ": a Stable Diffusion folder needs text_encoder/, " +
                "tokenizer/, unet/, vae/ and scheduler/");
  }
  try {
    return parse(read_json_file(path.string()));
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.find(path.string()) == std::string::npos ? path.string() + ": " + what : what);
  }
}

// The weights of one part: its .safetensors (or the fp16 variant diffusers also writes).
// Pickle files are never opened: unpickling can run arbitrary code.
std::string weights_of(const fs::path& part, const std::string& base) {
  for (const std::string& name : {base + ".safetensors", base + ".fp16.safetensors"}) {
    if (exists_as_file(part / name)) {
      return (part / name).string();
    }
  }
  for (const std::string& name : {base + ".bin", base + ".fp16.bin"}) {
    if (exists_as_file(part / name)) {
      throw Error(part.string() + " holds only pickle weights (" + name +
                  "), which Emergence never opens because unpickling can run code; convert "
                  "them to " +
                  base + ".safetensors (diffusers: save_pretrained(safe_serialization=True))");
    }
  }
  throw Error("missing weights file " + (part / (base + ".safetensors")).string());
}

}  // namespace

bool is_text_to_image_pipeline(const std::string& dir) {
  const fs::path index = fs::path(dir) / "model_index.json";
  if (!exists_as_file(index)) {
    return false;
  }
  const nlohmann::json j = read_json_file(index.string());
  // Every pipeline with a text encoder is ours to read or to refuse with its reason.
  return j.is_object() && (j.contains("text_encoder") || j.contains("transformer") ||
                           j.contains("text_encoder_2") || j.contains("prior"));
}

void refuse_non_models(const std::string& path) {
  const fs::path p(path);
  if (exists_as_file(p)) {
    std::string extension = p.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (extension == ".ckpt" || extension == ".pt" || extension == ".pth" || extension == ".bin") {
      throw Error(path + " is a pickle file (" + extension + "), which Emergence never opens " +
                  "because unpickling can run arbitrary code; convert it to .safetensors where " +
                  "you trust it (the conversion unpickles it), e.g. with diffusers' " +
                  "scripts/convert_original_stable_diffusion_to_diffusers.py --checkpoint_path " +
                  "FILE --dump_path DIR --to_safetensors, and open DIR");
    }
    if (extension != ".safetensors") {
      throw Error(path + " is a file Emergence does not open (" +
                  (extension.empty() ? std::string("no extension") : extension) +
                  "); it opens .safetensors checkpoints and model folders");
    }
    return;
  }
  if (!exists_as_file(p / "model_index.json") && !exists_as_file(p / "config.json") &&
      (exists_as_file(p / "pytorch_lora_weights.safetensors") ||
       exists_as_file(p / "adapter_config.json"))) {
    throw Error(path + " holds a LoRA (weights that modify a model), not a model; Emergence " +
                "does not apply LoRAs yet");
  }
}

void check_pipeline_parts_fit(const std::string& where, const UNet2DConditionConfig& unet,
                              const ClipTextConfig& text_encoder, const AutoencoderKLConfig& vae) {
  if (unet.cross_attention_dim != text_encoder.hidden_size) {
    throw Error(where + ": the UNet attends to " + std::to_string(unet.cross_attention_dim) +
                "-wide text features but the text encoder makes " +
                std::to_string(text_encoder.hidden_size) + "-wide ones");
  }
  if (unet.in_channels != vae.latent_channels) {
    throw Error(where + ": the UNet takes " + std::to_string(unet.in_channels) +
                " channels but the VAE's latents have " + std::to_string(vae.latent_channels) +
                (unet.in_channels == 9 ? " (an inpainting UNet, not supported yet)" : ""));
  }
}

StableDiffusionFolder read_stable_diffusion_folder(const std::string& dir) {
  const fs::path root(dir);
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    throw Error(dir + " is not a folder");
  }
  refuse_non_models(dir);
  if (!exists_as_file(root / "model_index.json")) {
    throw Error(dir + " is not a diffusers pipeline folder: it has no model_index.json");
  }
  StableDiffusionFolder folder;
  folder.path = dir;
  folder.pipeline_class = pipeline_class_of(root);
  refuse_other_families(dir, folder.pipeline_class);

  folder.text_encoder =
      read_config(root / "text_encoder" / "config.json",
                  [](const nlohmann::json& j) { return clip_text_config_from_json(j); });
  folder.unet = read_config(root / "unet" / "config.json", [](const nlohmann::json& j) {
    return unet2d_condition_config_from_json(j);
  });
  folder.vae = read_config(root / "vae" / "config.json", [](const nlohmann::json& j) {
    return autoencoder_kl_config_from_json(j);
  });
  folder.scheduler =
      read_config(root / "scheduler" / "scheduler_config.json",
                  [](const nlohmann::json& j) { return scheduler_config_from_json(j); });
  check_pipeline_parts_fit(dir, folder.unet, folder.text_encoder, folder.vae);
  folder.unet_weights = weights_of(root / "unet", "diffusion_pytorch_model");
  folder.vae_weights = weights_of(root / "vae", "diffusion_pytorch_model");
  folder.text_encoder_weights = weights_of(root / "text_encoder", "model");
  folder.tokenizer_dir = (root / "tokenizer").string();
  for (const char* name : {"vocab.json", "merges.txt"}) {
    if (!exists_as_file(root / "tokenizer" / name)) {
      throw Error("missing " + (root / "tokenizer" / name).string() +
                  ": the CLIP tokenizer needs vocab.json and merges.txt");
    }
  }
  for (const fs::path& file :
       {root / "model_index.json", root / "text_encoder" / "config.json",
        fs::path(folder.text_encoder_weights), root / "tokenizer" / "vocab.json",
        root / "tokenizer" / "merges.txt", root / "unet" / "config.json",
        fs::path(folder.unet_weights), root / "vae" / "config.json", fs::path(folder.vae_weights),
        root / "scheduler" / "scheduler_config.json"}) {
    folder.files.push_back(file.lexically_relative(root).generic_string());
  }
  if (exists_as_file(root / "tokenizer" / "special_tokens_map.json")) {
    folder.files.push_back("tokenizer/special_tokens_map.json");
  }
  std::sort(folder.files.begin(), folder.files.end());
  return folder;
}

}  // namespace emergence
