#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/model/autoencoder_kl_config.h"
#include "core/model/clip_text_config.h"
#include "core/model/unet2d_condition_config.h"
#include "core/scheduler_config.h"

namespace emergence {

// A diffusers StableDiffusionPipeline folder (model_index.json, text_encoder/, tokenizer/,
// unet/, vae/, scheduler/): its configs and where its weights are, nothing loaded yet.
struct StableDiffusionFolder {
  std::string path;
  std::string pipeline_class;  // model_index.json's _class_name
  UNet2DConditionConfig unet;
  AutoencoderKLConfig vae;
  ClipTextConfig text_encoder;
  SchedulerConfig scheduler;
  std::string unet_weights;
  std::string vae_weights;
  std::string text_encoder_weights;
  std::string tokenizer_dir;  // holds vocab.json and merges.txt
  // Every file the model is built from, relative to path, sorted (for model_hash).
  std::vector<std::string> files;
};

// Whether model_index.json names a text-to-image pipeline Emergence reads with
// read_stable_diffusion_folder (StableDiffusionPipeline and its img2img/inpaint siblings) or
// refuses with a reason (SDXL, SD 3, Flux, …); a folder without model_index.json is neither.
bool is_text_to_image_pipeline(const std::string& dir);

// Throws for what is not a model at all: a LoRA folder, a pickle file (.ckpt, .pt, .pth, .bin:
// never opened, since unpickling can run code) or another file that is not .safetensors. A
// .safetensors file passes: it is a single-file checkpoint, or refused when read.
void refuse_non_models(const std::string& path);

// Throws, naming `where`, when the parts cannot run together: the UNet's cross-attention width
// is not the text encoder's, or its input channels are not the VAE's latent channels.
void check_pipeline_parts_fit(const std::string& where, const UNet2DConditionConfig& unet,
                              const ClipTextConfig& text_encoder, const AutoencoderKLConfig& vae);

// Reads and checks a pipeline folder. Errors name what it is and why it is refused: another
// family (SDXL, SD 3, Flux, Kandinsky, …), a LoRA, a missing part or file, pickle-only weights,
// a config that is not SD 1.x/2.x.
StableDiffusionFolder read_stable_diffusion_folder(const std::string& dir);

}  // namespace emergence
