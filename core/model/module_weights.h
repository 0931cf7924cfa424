#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <functional>
#include <map>
#include <string>

namespace emergence {

// A module's parameters and buffers under their state-dict names ("down_blocks.0.resnets.1…").
std::map<std::string, torch::Tensor> module_state(const torch::nn::Module& module);

// A tensor name from diffusers' deprecated AttentionBlock (query, key, value, proj_attn under
// "attentions.", as early UNet and VAE checkpoints keep them) as Attention's (to_q, to_k, to_v,
// to_out.0); other names unchanged (diffusers _convert_deprecated_attention_blocks).
std::string modern_attention_name(const std::string& name);

// Copies tensors into a module by name. Missing or unexpected tensors are an Error listing their
// names (at most 20) after "`origin` does not match `what`:"; a shape mismatch names the tensor
// and both shapes. Nothing is copied unless every tensor fits. Source tensors of any floating
// dtype are converted to the target's.
// `copied`, when set, is told each name once its tensor is in the module.
void copy_module_weights(torch::nn::Module& module,
                         const std::map<std::string, torch::Tensor>& tensors,
                         const std::string& origin, const std::string& what,
                         const std::function<void(const std::string&)>& copied = {});

}  // namespace emergence
