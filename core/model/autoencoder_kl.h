#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <map>
#include <string>

#include "autoencoder_kl_config.h"
#include "core/noise_source.h"
#include "packed_conv.h"
#include "vae_blocks.h"

namespace emergence {

// diffusers DiagonalGaussianDistribution: the encoder's posterior over latents, N(mean,
// exp(logvar)).
struct LatentDistribution {
  torch::Tensor mean;
  torch::Tensor logvar;  // clamped to [-30, 20], as diffusers does

  // exp(logvar / 2).
  torch::Tensor std() const;
  // mean + std · ε with ε from `noise`: with SeededNoise(s), diffusers' latent_dist.sample(
  // generator=torch.Generator().manual_seed(s)).
  torch::Tensor sample(NoiseSource& noise) const;
};

// Splits [B, 2C, H, W] moments into mean and (clamped) log-variance along the channels.
LatentDistribution latent_distribution(const torch::Tensor& moments);

// diffusers AutoencoderKL (the Stable Diffusion 1/2 VAE, Rombach et al. 2022) rebuilt from its
// config.json. named_parameters() are the diffusers state-dict names ("encoder.down_blocks.0…",
// "decoder.up_blocks.3…", "quant_conv.weight"), so weights load by name.
class AutoencoderKLImpl : public torch::nn::Module {
 public:
  explicit AutoencoderKLImpl(const AutoencoderKLConfig& config);

  // diffusers vae.decode(z).sample: z is the UNet's latent divided by scaling_factor,
  // [B, latent_channels, h, w]; the image [B, out_channels, 8h, 8w] (for four levels) is in
  // about [-1, 1]. A tensor of another rank or channel count is an Error.
  torch::Tensor decode(const torch::Tensor& z) const;
  // diffusers vae.encode(image).latent_dist for an image in [-1, 1]; its samples times
  // scaling_factor are the UNet's latents.
  LatentDistribution encode(const torch::Tensor& image) const;

  const AutoencoderKLConfig& config() const { return config_; }
  // Inference shortcuts as UNet2DModel's (packed convolutions, in-place ops), taken only while
  // autograd is off.
  void set_fast_inference(bool enabled) { fast_ = enabled; }

 private:
  AutoencoderKLConfig config_;
  bool fast_ = true;
  VaeEncoder encoder{nullptr};
  VaeDecoder decoder{nullptr};
  PackedConv2d quant_conv;
  PackedConv2d post_quant_conv;
};
TORCH_MODULE(AutoencoderKL);

// Copies a diffusers AutoencoderKL state dict into the model; the deprecated attention names
// (query, key, value, proj_attn) of early VAE files are accepted. Missing, unexpected or
// misshapen tensors are an Error starting with `origin` (the file) and naming the tensors.
void load_autoencoder_kl_weights(AutoencoderKLImpl& model,
                                 const std::map<std::string, torch::Tensor>& tensors,
                                 const std::string& origin);
// Builds the AutoencoderKL of a diffusers folder (a pipeline's vae/: config.json and
// diffusion_pytorch_model.safetensors) and loads its weights; errors name the file at fault.
AutoencoderKL load_autoencoder_kl(const std::string& dir);

}  // namespace emergence
