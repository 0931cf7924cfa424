#include <algorithm>
#include <vector>

#include "core/error.h"
#include "ldm_checkpoint.h"

namespace emergence {
namespace ldm_checkpoint_kind_detail {

bool prefixed(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

template <typename Test>
bool any_name(const std::vector<std::string>& names, Test test) {
  return std::any_of(names.begin(), names.end(), test);
}

bool any_prefixed(const std::vector<std::string>& names, const std::string& prefix) {
  return any_name(names, [&](const std::string& n) { return prefixed(n, prefix); });
}

// kohya-ss LoRA / LyCORIS (LoCon, LoHa, LoKr) names and PEFT's.
bool is_lora_name(const std::string& n) {
  for (const char* prefix : {"lora_unet_", "lora_te_", "lora_te1_", "lora_te2_", "lycoris_"}) {
    if (prefixed(n, prefix)) {
      return true;
    }
  }
  for (const char* part : {".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".hada_w1_a",
                           ".lokr_w1", ".lora_mid."}) {
    if (contains(n, part)) {
      return true;
    }
  }
  return false;
}

std::string first_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 3; ++i) {
    out += (i ? ", " : "") + names[i];
  }
  return out + (names.size() > 3 ? ", …" : "");
}

void refuse_without_unet(const std::string& path, const std::vector<std::string>& names) {
  const bool vae = any_name(names, [](const std::string& n) {
    return contains(n, "decoder.up.") || contains(n, "encoder.down.") ||
           contains(n, "decoder.up_blocks.");
  });
  if (vae) {
    throw Error(path + " is a VAE on its own (encoder/decoder tensors, no model.diffusion_model." +
                "*), not a whole checkpoint; Emergence does not load a separate VAE yet");
  }
  const bool taesd = any_name(names, [](const std::string& n) {
    return prefixed(n, "decoder.layers.") || prefixed(n, "encoder.layers.") ||
           n.find_first_not_of("0123456789") > 0;  // madebyollin's "1.weight", "3.conv.0.…"
  });
  if (taesd) {
    throw Error(path + " is a TAESD (tiny autoencoder) file, a preview decoder, not a model; " +
                "give it to a model as its TAESD (generate --taesd)");
  }
  if (any_prefixed(names, "text_model.") || any_prefixed(names, "cond_stage_model.") ||
      any_prefixed(names, "transformer.resblocks.")) {
    throw Error(path + " is a text encoder on its own, not a whole checkpoint");
  }
  if (any_prefixed(names, "down_blocks.") || any_prefixed(names, "mid_block.") ||
      any_prefixed(names, "encoder.down_blocks.")) {
    throw Error(path + " is one part of a diffusers model folder (diffusers names such as " +
                "down_blocks.*); open the folder it belongs to");
  }
  throw Error(path + " is not a Stable Diffusion checkpoint: none of its " +
              std::to_string(names.size()) + " tensors is under model.diffusion_model. (" +
              (names.empty() ? std::string("it holds none") : "first: " + first_names(names)) +
              ")");
}

}  // namespace ldm_checkpoint_kind_detail

LdmFamily classify_ldm_checkpoint(const std::string& path,
                                  const std::map<std::string, torch::Tensor>& tensors,
                                  const std::vector<std::string>& skipped) {
  namespace d = ldm_checkpoint_kind_detail;
  std::vector<std::string> names = skipped;
  for (const auto& entry : tensors) {
    names.push_back(entry.first);
  }
  std::sort(names.begin(), names.end());
  if (d::any_name(names, d::is_lora_name)) {
    throw Error(path + " is a LoRA (weights that modify a model), not a model; Emergence does " +
                "not apply LoRAs yet");
  }
  if (d::any_prefixed(names, "conditioner.embedders.")) {
    throw Error(path + " is a Stable Diffusion XL checkpoint (conditioner.embedders.*); " +
                "Emergence runs Stable Diffusion 1.x and 2.x");
  }
  if (d::any_prefixed(names, "model.diffusion_model.joint_blocks.") ||
      d::any_prefixed(names, "joint_blocks.")) {
    throw Error(path + " is a Stable Diffusion 3 checkpoint (joint_blocks.*); Emergence runs " +
                "Stable Diffusion 1.x and 2.x");
  }
  if (d::any_prefixed(names, "model.diffusion_model.double_blocks.") ||
      d::any_prefixed(names, "double_blocks.")) {
    throw Error(path + " is a Flux checkpoint (double_blocks.*); Emergence runs Stable " +
                "Diffusion 1.x and 2.x");
  }
  if (!d::any_prefixed(names, "model.diffusion_model.")) {
    d::refuse_without_unet(path, names);
  }
  const auto conv_in = tensors.find("model.diffusion_model.input_blocks.0.0.weight");
  if (conv_in == tensors.end() || conv_in->second.dim() != 4) {
    throw Error(path + " has model.diffusion_model.* tensors but no 4-dimensional " +
                "model.diffusion_model.input_blocks.0.0.weight: not an SD 1.x/2.x UNet");
  }
  const int64_t in_channels = conv_in->second.size(1);
  if (in_channels == 9) {
    throw Error(path + " is an inpainting model (its UNet takes 9 channels: latent, mask and " +
                "masked image), which Emergence does not run yet");
  }
  if (in_channels == 8) {
    throw Error(path + " is an InstructPix2Pix model (its UNet takes 8 channels: latent and " +
                "image), which Emergence does not run yet");
  }
  if (!d::any_prefixed(names, "first_stage_model.")) {
    throw Error(path + " has a UNet but no VAE (first_stage_model.*): Emergence needs a whole " +
                "checkpoint");
  }
  if (d::any_prefixed(names, "cond_stage_model.model.")) {
    return LdmFamily::Sd2;
  }
  if (d::any_prefixed(names, "cond_stage_model.transformer.")) {
    return LdmFamily::Sd1;
  }
  throw Error(path + " has a UNet and a VAE but no text encoder Emergence knows " +
              "(cond_stage_model.transformer.* for SD 1, cond_stage_model.model.* for SD 2)");
}

}  // namespace emergence
