#include "ldm_checkpoint.h"

#include "core/model/clip_text_weights.h"
#include "ldm_configs.h"
#include "ldm_names.h"
#include "stable_diffusion_folder.h"

namespace emergence {
namespace ldm_checkpoint_detail {

using Tensors = std::map<std::string, torch::Tensor>;

// The tensors under `prefix`, with it stripped.
Tensors under(const Tensors& tensors, const std::string& prefix) {
  Tensors out;
  for (auto it = tensors.lower_bound(prefix);
       it != tensors.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    out[it->first.substr(prefix.size())] = it->second;
  }
  return out;
}

// SD 1's text encoder in transformers' names. Very early files lack "text_model." (ComfyUI's
// SD15.process_clip_state_dict inserts it).
Tensors sd1_text_encoder(const Tensors& tensors) {
  Tensors out;
  for (const auto& [name, tensor] : under(tensors, "cond_stage_model.transformer.")) {
    out[name.compare(0, 11, "text_model.") == 0 ? name : "text_model." + name] = tensor;
  }
  return out;
}

}  // namespace ldm_checkpoint_detail

LdmCheckpoint read_ldm_checkpoint(const std::string& path,
                                  const std::map<std::string, torch::Tensor>& tensors,
                                  const std::vector<std::string>& skipped) {
  namespace d = ldm_checkpoint_detail;
  LdmCheckpoint c;
  c.family = classify_ldm_checkpoint(path, tensors, skipped);

  const d::Tensors unet = d::under(tensors, "model.diffusion_model.");
  c.unet = unet_config_from_ldm(path, unet, c.family);
  for (const auto& [name, tensor] : unet) {
    const std::string renamed = ldm_unet_name_to_diffusers(name, c.unet.layers(0));
    c.unet_weights[renamed] = tensor;
    c.unet_file_names[renamed] = "model.diffusion_model." + name;
  }

  const d::Tensors vae = d::under(tensors, "first_stage_model.");
  c.vae = vae_config_from_ldm(path, vae);
  c.vae_weights = ldm_vae_to_diffusers(vae, static_cast<int>(c.vae.block_out_channels.size()));

  if (c.family == LdmFamily::Sd1) {
    c.text_encoder_weights = d::sd1_text_encoder(tensors);
  } else {
    const d::Tensors openclip = d::under(tensors, "cond_stage_model.model.");
    c.text_encoder_weights =
        openclip_to_transformers_names(openclip, openclip_layers_used(path, openclip));
  }
  c.text_encoder = text_config_from_ldm(path, c.text_encoder_weights, c.family);
  check_pipeline_parts_fit(path, c.unet, c.text_encoder, c.vae);
  return c;
}

}  // namespace emergence
