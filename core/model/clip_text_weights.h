#pragma once

#include <torch/types.h>

#include <map>
#include <string>

namespace emergence {

// OpenCLIP text-tower names (an LDM file's cond_stage_model.model.* with that prefix stripped:
// token_embedding, positional_embedding, transformer.resblocks.N.{ln_1, ln_2, attn.in_proj_*,
// attn.out_proj, mlp.c_fc, mlp.c_proj}, ln_final) renamed to transformers' "text_model.…" names,
// as diffusers' convert_open_clip_checkpoint does: in_proj split into q, k, v rows, resblocks
// ≥ layers dropped (SD 2 keeps 23 of 24), text_projection and logit_scale dropped, any other name
// kept as it is (so the loader reports it). Error naming the tensor whose shape cannot be split.
std::map<std::string, torch::Tensor> openclip_to_transformers_names(
    const std::map<std::string, torch::Tensor>& tensors, int layers);

}  // namespace emergence
