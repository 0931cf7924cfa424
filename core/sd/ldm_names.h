#pragma once

#include <torch/types.h>

#include <map>
#include <string>

namespace emergence {

// An LDM UNet tensor name (model.diffusion_model. stripped) as diffusers' UNet2DConditionModel
// names it, for `layers_per_block` resnets per level (diffusers single_file_utils.py
// convert_ldm_unet_checkpoint): input_blocks.k → down_blocks, middle_block → mid_block,
// output_blocks.k → up_blocks, the resnets' in_layers/out_layers/emb_layers/skip_connection
// renamed, attentions' inner names kept. A name outside the layout comes back unchanged.
std::string ldm_unet_name_to_diffusers(const std::string& name, int layers_per_block);

// LDM VAE tensors (first_stage_model. stripped) under diffusers' AutoencoderKL names, for a VAE
// of `levels` blocks (convert_ldm_vae_checkpoint): decoder levels numbered in reverse,
// nin_shortcut → conv_shortcut, the mid attention's 1×1 convolutions as linear weights. A name
// outside the layout is kept unchanged.
std::map<std::string, torch::Tensor> ldm_vae_to_diffusers(
    const std::map<std::string, torch::Tensor>& tensors, int levels);

}  // namespace emergence
