#include "autoencoder_tiny.h"

#include <ATen/ATen.h>

#include <cctype>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/json_file.h"
#include "module_weights.h"
#include "safetensors.h"

namespace emergence {
namespace autoencoder_tiny_io {

void check_input(const torch::Tensor& x, int64_t channels, const char* what) {
  if (!x.defined() || x.dim() != 4 || x.size(1) != channels || x.numel() == 0) {
    std::ostringstream shape;
    if (x.defined()) {
      shape << x.sizes();
    }
    throw Error(std::string("AutoencoderTiny ") + what + ": expected a [B, " +
                std::to_string(channels) + ", H, W] tensor, got " +
                (x.defined() ? shape.str() : std::string("none")));
  }
}

const char* prefix(TinyLayerStackImpl::Part part) {
  return part == TinyLayerStackImpl::Part::Decoder ? "decoder." : "encoder.";
}

}  // namespace autoencoder_tiny_io

AutoencoderTinyImpl::AutoencoderTinyImpl(const AutoencoderTinyConfig& config, bool with_encoder)
    : config_(config) {
  validate(config_);
  if (with_encoder) {
    encoder =
        register_module("encoder", TinyLayerStack(config_, TinyLayerStackImpl::Part::Encoder));
  }
  decoder = register_module("decoder", TinyLayerStack(config_, TinyLayerStackImpl::Part::Decoder));
}

torch::Tensor AutoencoderTinyImpl::decode(const torch::Tensor& latents) const {
  autoencoder_tiny_io::check_input(latents, config_.latent_channels, "decode");
  // DecoderTiny: a soft clamp to ±3 first, and [0, 1] images mapped to [-1, 1] last.
  const torch::Tensor x = decoder->forward(at::tanh(latents / 3) * 3, fast_);
  return x * 2 - 1;
}

torch::Tensor AutoencoderTinyImpl::encode(const torch::Tensor& image) const {
  if (!encoder) {
    throw Error("AutoencoderTiny encode: this TAESD was loaded without its encoder");
  }
  autoencoder_tiny_io::check_input(image, config_.in_channels, "encode");
  // EncoderTiny expects [0, 1] images.
  return encoder->forward(image.add(1).div(2), fast_);
}

std::map<std::string, torch::Tensor> taesd_part_in_diffusers_names(
    const std::map<std::string, torch::Tensor>& tensors, TinyLayerStackImpl::Part part,
    const std::string& origin) {
  const std::string prefix = std::string(autoencoder_tiny_io::prefix(part)) + "layers.";
  const int shift = part == TinyLayerStackImpl::Part::Decoder ? 1 : 0;
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, tensor] : tensors) {
    if (name.rfind("encoder.", 0) == 0 || name.rfind("decoder.", 0) == 0) {
      if (name.rfind(prefix, 0) == 0) {
        out.emplace(name, tensor);
      }
      continue;
    }
    size_t digits = 0;
    while (digits < name.size() && digits < 6 &&
           std::isdigit(static_cast<unsigned char>(name[digits]))) {
      ++digits;
    }
    if (digits == 0 || digits >= name.size() || name[digits] != '.') {
      throw Error(origin + ": tensor '" + name + "' is in neither diffusers' layout (" + prefix +
                  "N…) nor TAESD's (N…)");
    }
    const int index = std::stoi(name.substr(0, digits)) - shift;
    if (index < 0) {
      throw Error(origin + ": tensor '" + name +
                  "' cannot be a TAESD decoder tensor: its layer 0 is the parameter-free clamp");
    }
    out.emplace(prefix + std::to_string(index) + name.substr(digits), tensor);
  }
  return out;
}

void load_autoencoder_tiny_weights(AutoencoderTinyImpl& model,
                                   const std::map<std::string, torch::Tensor>& tensors,
                                   const std::string& origin) {
  copy_module_weights(
      model, tensors, origin,
      model.has_encoder() ? "the AutoencoderTiny config.json" : "the AutoencoderTiny decoder");
}

AutoencoderTiny load_autoencoder_tiny(const std::string& dir) {
  const std::filesystem::path folder(dir);
  const std::string config_path = (folder / "config.json").string();
  const nlohmann::json json = read_json_file(config_path);
  AutoencoderTinyConfig config;
  try {
    config = autoencoder_tiny_config_from_json(json);
  } catch (const Error& e) {
    throw Error(config_path + ": " + e.what());
  }
  AutoencoderTiny model(config);
  const std::string weights = (folder / "diffusion_pytorch_model.safetensors").string();
  load_autoencoder_tiny_weights(*model, read_safetensors(weights), weights);
  model->eval();
  return model;
}

AutoencoderTiny load_taesd_files(const std::string& decoder_file, const std::string& encoder_file,
                                 const AutoencoderTinyConfig& config) {
  using Part = TinyLayerStackImpl::Part;
  AutoencoderTiny model(config, !encoder_file.empty());
  std::map<std::string, torch::Tensor> tensors =
      taesd_part_in_diffusers_names(read_safetensors(decoder_file), Part::Decoder, decoder_file);
  std::string origin = decoder_file;
  if (!encoder_file.empty()) {
    tensors.merge(
        taesd_part_in_diffusers_names(read_safetensors(encoder_file), Part::Encoder, encoder_file));
    origin += " and " + encoder_file;
  }
  load_autoencoder_tiny_weights(*model, tensors, origin);
  model->eval();
  return model;
}

}  // namespace emergence
