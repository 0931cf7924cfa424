#pragma once

#include <torch/types.h>

#include <map>
#include <string>

#include "core/model/autoencoder_kl_config.h"
#include "core/model/clip_text_config.h"
#include "core/model/unet2d_condition_config.h"

namespace emergence {

// Which Stable Diffusion a single-file checkpoint is: SD 1.x (CLIP ViT-L text encoder under
// cond_stage_model.transformer.*) or SD 2.x (OpenCLIP ViT-H under cond_stage_model.model.*).
enum class LdmFamily { Sd1, Sd2 };

// The three models of an SD 1.x/2.x single-file checkpoint (the CompVis/LDM layout model sites
// share: model.diffusion_model.*, first_stage_model.*, cond_stage_model.*) under the diffusers /
// transformers names our loaders read, with the configs their shapes imply (ldm_configs.h).
// The tensors are the file's (views, in its dtypes); EMA copies, schedule buffers and anything
// else outside the three prefixes are left out.
struct LdmCheckpoint {
  LdmFamily family = LdmFamily::Sd1;
  UNet2DConditionConfig unet;
  AutoencoderKLConfig vae;
  ClipTextConfig text_encoder;
  std::map<std::string, torch::Tensor> unet_weights;
  std::map<std::string, std::string> unet_file_names;  // diffusers name → the file's name
  std::map<std::string, torch::Tensor> vae_weights;
  std::map<std::string, torch::Tensor> text_encoder_weights;
};

// What the file's tensor names (`names`: every tensor, integer ones included) and shapes say it
// is. Anything but an SD 1.x/2.x checkpoint is an Error naming the file and what it holds: SDXL,
// SD 3, Flux, a LoRA or LyCORIS, a VAE or TAESD on its own, a text encoder on its own, an
// inpainting or InstructPix2Pix UNet, a diffusers part file, or an unknown key set.
LdmFamily classify_ldm_checkpoint(const std::string& path,
                                  const std::map<std::string, torch::Tensor>& tensors,
                                  const std::vector<std::string>& skipped);

// Classifies the tensors (classify_ldm_checkpoint), renames them and infers the configs.
LdmCheckpoint read_ldm_checkpoint(const std::string& path,
                                  const std::map<std::string, torch::Tensor>& tensors,
                                  const std::vector<std::string>& skipped);

}  // namespace emergence
