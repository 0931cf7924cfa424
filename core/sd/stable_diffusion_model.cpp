#include "stable_diffusion_model.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>

#include "core/compute_device.h"
#include "core/error.h"
#include "core/model/model_folder.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "latent_preview.h"
#include "preview_decoder.h"
#include "stable_diffusion_folder.h"

namespace emergence {
namespace {

std::string name_of_folder(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (p.filename().empty()) {
    p = p.parent_path();
  }
  return p.filename().string();
}

// SD 2's OpenCLIP encoder (1024 wide, exact GELU) was trained with "!" as padding; SD 1's CLIP
// with <|endoftext|>. A folder's special_tokens_map.json says which, where it has one.
int64_t pad_id_for(const ClipTokenizer& tokenizer, const ClipTextConfig& text) {
  if (const std::optional<int64_t> pad = tokenizer.folder_pad_id()) {
    return *pad;
  }
  const bool open_clip = text.hidden_size == 1024 && text.hidden_act == "gelu";
  return open_clip ? tokenizer.id_of("!") : tokenizer.eos_id();
}

}  // namespace

StableDiffusionModel::StableDiffusionModel(StableDiffusionParts parts, ModelInfo info)
    : parts_(std::move(parts)), info_(std::move(info)) {
  parts_.text_encoder->eval();
  parts_.unet->eval();
  parts_.vae->eval();
}

torch::Tensor StableDiffusionModel::on_device(const torch::Tensor& x) const {
  return x.to(device_, compute_dtype(device_));
}

void StableDiffusionModel::to_device(const c10::Device& device) {
  const c10::ScalarType dtype = compute_dtype(device);
  parts_.text_encoder->to(device, dtype);
  parts_.unet->to(device, dtype);
  parts_.vae->to(device, dtype);
  if (taesd_) {
    taesd_->to(device, dtype);
  }
  device_ = device;
  contexts_.clear();  // encoded on the old device
}

TokenizedPrompt StableDiffusionModel::tokenize(const std::string& prompt) const {
  return parts_.tokenizer.tokenize(prompt, parts_.pad_id,
                                   parts_.text_encoder->config().max_position_embeddings);
}

torch::Tensor StableDiffusionModel::text_context(const std::string& prompt, int clip_skip) {
  const auto key = std::make_pair(prompt, clip_skip);
  const auto found = contexts_.find(key);
  if (found != contexts_.end()) {
    return found->second;
  }
  c10::InferenceMode inference;
  const TokenizedPrompt tokens = tokenize(prompt);
  const torch::Tensor ids = torch::tensor(tokens.ids, torch::kInt64)
                                .reshape({1, static_cast<int64_t>(tokens.ids.size())});
  torch::Tensor context = parts_.text_encoder->encode(ids, clip_skip);
  contexts_.emplace(key, context);
  return context;
}

torch::Tensor StableDiffusionModel::denoise(const torch::Tensor& input, double timestep,
                                            const Conditioning& c) {
  const torch::Tensor positive = text_context(c.prompt, c.clip_skip);
  c10::InferenceMode inference;
  const torch::Tensor x = on_device(input);
  const int64_t batch = x.size(0);
  // Timesteps stay float32 (diffusers too): float16 would round fractional ones.
  const auto options = x.options().dtype(torch::kFloat32);
  // diffusers: do_classifier_free_guidance = guidance_scale > 1.
  if (c.guidance_scale <= 1.0) {
    return parts_.unet
        ->forward(x, at::full({batch}, timestep, options), positive.expand({batch, -1, -1}))
        .to(torch::kCPU, torch::kFloat32);
  }
  const torch::Tensor negative = text_context(c.negative_prompt, c.clip_skip);
  const torch::Tensor context =
      at::cat({negative.expand({batch, -1, -1}), positive.expand({batch, -1, -1})});
  const torch::Tensor both =
      parts_.unet->forward(at::cat({x, x}), at::full({2 * batch}, timestep, options), context)
          .to(torch::kCPU, torch::kFloat32);
  const torch::Tensor uncond = both.narrow(0, 0, batch);
  const torch::Tensor cond = both.narrow(0, batch, batch);
  return uncond + c.guidance_scale * (cond - uncond);
}

torch::Tensor StableDiffusionModel::preview_rgb(const torch::Tensor& sample) const {
  return latent_to_rgb(sample);
}

torch::Tensor StableDiffusionModel::decode(const torch::Tensor& sample) {
  c10::InferenceMode inference;
  return parts_.vae->decode(on_device(sample / parts_.vae->config().scaling_factor))
      .to(torch::kCPU, torch::kFloat32);
}

std::string StableDiffusionModel::preview_decoder() const { return taesd_ ? "TAESD" : ""; }

torch::Tensor StableDiffusionModel::preview_decode(const torch::Tensor& sample) {
  if (!taesd_) {
    return decode(sample);
  }
  c10::InferenceMode inference;
  return taesd_->decode(on_device(sample / taesd_->config().scaling_factor))
      .to(torch::kCPU, torch::kFloat32);
}

void StableDiffusionModel::set_preview_decoder(AutoencoderTiny taesd, const std::string& origin) {
  const AutoencoderTinyConfig& c = taesd->config();
  if (c.latent_channels != info_.channels) {
    throw Error(origin + ": this TAESD decodes latents of " + std::to_string(c.latent_channels) +
                " channels, but " + info_.name + "'s have " + std::to_string(info_.channels));
  }
  int scale = 1;
  for (size_t i = 1; i < c.decoder_block_out_channels.size(); ++i) {
    scale *= c.upsampling_scaling_factor;  // DecoderTiny upsamples after every block but the last
  }
  if (scale != info_.latent_scale) {
    throw Error(origin + ": this TAESD makes images " + std::to_string(scale) +
                "× its latents' size, but " + info_.name + "'s VAE " +
                std::to_string(info_.latent_scale) + "×");
  }
  taesd->eval();
  taesd->to(device_, compute_dtype(device_));
  taesd_ = std::move(taesd);
}

std::vector<std::string> StableDiffusionModel::notices(const GenerationParams& p) const {
  std::vector<std::string> out;
  for (const auto& [label, text] : {std::pair<const char*, const std::string&>{"prompt", p.prompt},
                                    {"negative prompt", p.negative_prompt}}) {
    const TokenizedPrompt tokens = tokenize(text);
    if (tokens.dropped_tokens > 0) {
      out.push_back(std::string("the ") + label + " is " + std::to_string(tokens.content_tokens) +
                    " tokens; CLIP reads the first " +
                    std::to_string(tokens.content_tokens - tokens.dropped_tokens) +
                    ", so the last " + std::to_string(tokens.dropped_tokens) + " are dropped");
    }
  }
  return out;
}

std::shared_ptr<StableDiffusionModel> load_stable_diffusion_model(
    const std::string& dir, const std::optional<SchedulerConfig>& scheduler) {
  const StableDiffusionFolder folder = read_stable_diffusion_folder(dir);
  StableDiffusionParts parts{ClipTokenizer::from_folder(folder.tokenizer_dir)};
  parts.pad_id = pad_id_for(parts.tokenizer, folder.text_encoder);

  parts.text_encoder = ClipTextModel(folder.text_encoder);
  {
    const SafetensorsFile file(folder.text_encoder_weights);
    load_clip_text_weights(parts.text_encoder, file.tensors(), file.path());
  }
  parts.unet = UNet2DConditionModel(folder.unet);
  {
    // The largest part (3.4 GB in float32 for SD 1.5): its file's pages are let go tensor by
    // tensor, so loading never holds the model and the whole file at once.
    const SafetensorsFile file(folder.unet_weights);
    copy_module_weights(*parts.unet, file.tensors(), file.path(), "unet/config.json",
                        [&file](const std::string& name) { file.release(name); });
  }
  parts.vae = AutoencoderKL(folder.vae);
  {
    const SafetensorsFile file(folder.vae_weights);
    load_autoencoder_kl_weights(*parts.vae, file.tensors(), file.path());
  }

  ModelInfo info;
  info.name = name_of_folder(dir);
  info.path = dir;
  ModelFolder hashed;
  hashed.path = dir;
  hashed.files = folder.files;
  info.hash = model_hash(hashed);
  info.channels = folder.unet.in_channels;
  // diffusers' pipeline default: sample_size · vae_scale_factor pixels (64 → 512 for SD 1.5).
  info.height = folder.unet.sample_size.value_or(64);
  info.width = info.height;
  info.latent_scale = 1 << (static_cast<int>(folder.vae.block_out_channels.size()) - 1);
  info.takes_prompt = true;
  info.any_size = true;
  info.max_clip_skip = folder.text_encoder.num_hidden_layers - 1;
  info.scheduler = scheduler ? *scheduler : folder.scheduler;
  auto model = std::make_shared<StableDiffusionModel>(std::move(parts), std::move(info));
  const std::filesystem::path tiny = std::filesystem::path(dir) / "vae_tiny";
  if (std::filesystem::is_directory(tiny)) {
    model->set_preview_decoder(load_preview_decoder(tiny.string()), tiny.string());
  }
  return model;
}

void move_model_to_device(DiffusionModel& model, const c10::Device& device) {
  if (auto* sd = dynamic_cast<StableDiffusionModel*>(&model)) {
    sd->to_device(device);
  } else if (!device.is_cpu()) {
    throw Error(model.info().name + " is a pixel model (UNet2DModel), which runs on the CPU only");
  }
}

}  // namespace emergence
