#pragma once

#include <torch/types.h>

#include <map>
#include <string>

#include "core/model/autoencoder_kl_config.h"
#include "core/model/clip_text_config.h"
#include "core/model/unet2d_condition_config.h"
#include "ldm_checkpoint.h"

namespace emergence {

// The configs of a single file's models from its tensor shapes. What shapes cannot say comes
// from the original LDM yamls (v1-inference.yaml, v2-inference.yaml), as diffusers'
// create_*_diffusers_config_from_ldm reads them: GroupNorm of 32 groups; SD 1's UNet 8 heads per
// attention (num_heads: 8), SD 2's heads of 64 channels (num_head_channels: 64); the text
// encoders' heads of 64 channels as openai CLIP and OpenCLIP build them (width // 64); one head
// where a block is narrower than 64 (only test-sized models are). Errors name the file and the
// tensor that is missing or misshapen.

// `unet` holds the UNet's tensors with model.diffusion_model. stripped, in LDM names.
UNet2DConditionConfig unet_config_from_ldm(const std::string& path,
                                           const std::map<std::string, torch::Tensor>& unet,
                                           LdmFamily family);
// `vae` holds the VAE's tensors with first_stage_model. stripped, in LDM names.
AutoencoderKLConfig vae_config_from_ldm(const std::string& path,
                                        const std::map<std::string, torch::Tensor>& vae);
// `text` holds the text encoder's tensors in transformers' names ("text_model.…").
ClipTextConfig text_config_from_ldm(const std::string& path,
                                    const std::map<std::string, torch::Tensor>& text,
                                    LdmFamily family);
// SD 2's OpenCLIP text tower keeps this many of a file's resblocks: all but the last, since SD 2
// reads the penultimate layer (v2-inference.yaml FrozenOpenCLIPEmbedder layer: "penultimate";
// diffusers drops resblock 23 of 24). `openclip` holds cond_stage_model.model.* stripped.
int openclip_layers_used(const std::string& path,
                         const std::map<std::string, torch::Tensor>& openclip);

}  // namespace emergence
