#include "autoencoder_kl.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/json_file.h"
#include "module_weights.h"
#include "safetensors.h"

namespace emergence {
namespace autoencoder_kl_io {

std::string shape_text(const torch::Tensor& x) {
  std::ostringstream s;
  s << x.sizes();
  return s.str();
}

// Error unless x is [B, channels, H, W] with nothing empty.
void check_input(const torch::Tensor& x, int64_t channels, const char* what) {
  if (!x.defined() || x.dim() != 4 || x.size(1) != channels || x.numel() == 0) {
    throw Error(std::string("AutoencoderKL ") + what + ": expected a [B, " +
                std::to_string(channels) + ", H, W] tensor, got " +
                (x.defined() ? shape_text(x) : std::string("none")));
  }
}

torch::nn::Conv2d conv1x1(int64_t channels) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1));
}

}  // namespace autoencoder_kl_io

torch::Tensor LatentDistribution::std() const { return at::exp(0.5 * logvar); }

torch::Tensor LatentDistribution::sample(NoiseSource& noise) const {
  return mean + std() * noise.draw(mean.sizes()).to(mean.dtype());
}

LatentDistribution latent_distribution(const torch::Tensor& moments) {
  const auto parts = at::chunk(moments, 2, 1);
  // diffusers vae.py DiagonalGaussianDistribution keeps exp() finite this way.
  return {parts[0], at::clamp(parts[1], -30.0, 20.0)};
}

AutoencoderKLImpl::AutoencoderKLImpl(const AutoencoderKLConfig& config) : config_(config) {
  validate(config_);
  encoder = register_module("encoder", VaeEncoder(config_));
  decoder = register_module("decoder", VaeDecoder(config_));
  if (config_.use_quant_conv) {
    quant_conv = PackedConv2d(
        register_module("quant_conv", autoencoder_kl_io::conv1x1(2 * config_.latent_channels)));
  }
  if (config_.use_post_quant_conv) {
    post_quant_conv = PackedConv2d(
        register_module("post_quant_conv", autoencoder_kl_io::conv1x1(config_.latent_channels)));
  }
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& z) const {
  autoencoder_kl_io::check_input(z, config_.latent_channels, "decode");
  const torch::Tensor x = post_quant_conv ? post_quant_conv(z, fast_) : z;
  return decoder->forward(x, fast_);
}

LatentDistribution AutoencoderKLImpl::encode(const torch::Tensor& image) const {
  autoencoder_kl_io::check_input(image, config_.in_channels, "encode");
  torch::Tensor moments = encoder->forward(image, fast_);
  if (quant_conv) {
    moments = quant_conv(moments, fast_);
  }
  return latent_distribution(moments);
}

void load_autoencoder_kl_weights(AutoencoderKLImpl& model,
                                 const std::map<std::string, torch::Tensor>& tensors,
                                 const std::string& origin) {
  std::map<std::string, torch::Tensor> renamed;
  for (const auto& [name, tensor] : tensors) {
    const std::string target = modern_attention_name(name);
    if (!renamed.emplace(target, tensor).second) {
      throw Error(origin + ": tensor '" + target + "' appears twice (old and new name)");
    }
  }
  copy_module_weights(model, renamed, origin, "the AutoencoderKL config.json");
}

AutoencoderKL load_autoencoder_kl(const std::string& dir) {
  const std::filesystem::path folder(dir);
  const std::string config_path = (folder / "config.json").string();
  const nlohmann::json json = read_json_file(config_path);
  AutoencoderKLConfig config;
  try {
    config = autoencoder_kl_config_from_json(json);
  } catch (const Error& e) {
    throw Error(config_path + ": " + e.what());
  }
  AutoencoderKL model(config);
  const std::string weights = (folder / "diffusion_pytorch_model.safetensors").string();
  load_autoencoder_kl_weights(*model, read_safetensors(weights), weights);
  model->eval();
  return model;
}

}  // namespace emergence
