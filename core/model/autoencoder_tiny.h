#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <map>
#include <string>

#include "autoencoder_tiny_config.h"
#include "tiny_layers.h"

namespace emergence {

// diffusers AutoencoderTiny: madebyollin's TAESD, a distilled stand-in for the KL VAE that works
// on the latents the UNet sees. State-dict names "encoder.layers.N…", "decoder.layers.N…".
// Built without its encoder when only a decoder file is at hand.
class AutoencoderTinyImpl : public torch::nn::Module {
 public:
  AutoencoderTinyImpl(const AutoencoderTinyConfig& config, bool with_encoder = true);

  // diffusers decode(latents).sample: latents [B, latent_channels, h, w] divided by
  // scaling_factor (1.0 for TAESD, so the UNet's latents as they are) → image in about [-1, 1].
  torch::Tensor decode(const torch::Tensor& latents) const;
  // diffusers encode(image).latents for an image in [-1, 1]; times scaling_factor they are the
  // UNet's latents. Error when the model was built without its encoder.
  torch::Tensor encode(const torch::Tensor& image) const;

  const AutoencoderTinyConfig& config() const { return config_; }
  bool has_encoder() const { return static_cast<bool>(encoder); }
  // Inference shortcuts (packed convolutions), taken only while autograd is off.
  void set_fast_inference(bool enabled) { fast_ = enabled; }

 private:
  AutoencoderTinyConfig config_;
  bool fast_ = true;
  TinyLayerStack encoder{nullptr};
  TinyLayerStack decoder{nullptr};
};
TORCH_MODULE(AutoencoderTiny);

// Renames one part of madebyollin's own files (taesd_decoder.safetensors: "N.conv.0.weight" with
// N one higher than diffusers', whose index 0 is the clamp; taesd_encoder.safetensors: the same
// indices) to diffusers' names, inverting nothing else: the mapping of diffusers'
// scripts/convert_tiny_autoencoder_to_diffusers.py. A file already in diffusers' layout gives its
// tensors of that part. A name of neither layout is an Error starting with `origin`.
std::map<std::string, torch::Tensor> taesd_part_in_diffusers_names(
    const std::map<std::string, torch::Tensor>& tensors, TinyLayerStackImpl::Part part,
    const std::string& origin);
// Copies diffusers-named tensors into the model (copy_module_weights: missing, unexpected and
// misshapen tensors are an Error starting with `origin`).
void load_autoencoder_tiny_weights(AutoencoderTinyImpl& model,
                                   const std::map<std::string, torch::Tensor>& tensors,
                                   const std::string& origin);
// A diffusers AutoencoderTiny folder (config.json, diffusion_pytorch_model.safetensors).
AutoencoderTiny load_autoencoder_tiny(const std::string& dir);
// TAESD from madebyollin's separate files in either layout: the decoder file and, when
// encoder_file is not empty, the encoder file; `config` is the architecture (TAESD's by default).
AutoencoderTiny load_taesd_files(const std::string& decoder_file,
                                 const std::string& encoder_file = {},
                                 const AutoencoderTinyConfig& config = {});

}  // namespace emergence
