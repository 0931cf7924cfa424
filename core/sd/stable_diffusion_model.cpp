#include "stable_diffusion_model.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <filesystem>

#include "core/error.h"
#include "core/model/model_folder.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "latent_preview.h"
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

torch::Tensor StableDiffusionModel::denoise(const torch::Tensor& x, double timestep,
                                            const Conditioning& c) {
  const torch::Tensor positive = text_context(c.prompt, c.clip_skip);
  c10::InferenceMode inference;
  const int64_t batch = x.size(0);
  const auto options = x.options().dtype(torch::kFloat32);
  // diffusers: do_classifier_free_guidance = guidance_scale > 1.
  if (c.guidance_scale <= 1.0) {
    return parts_.unet->forward(x, at::full({batch}, timestep, options),
                                positive.expand({batch, -1, -1}));
  }
  const torch::Tensor negative = text_context(c.negative_prompt, c.clip_skip);
  const torch::Tensor context =
      at::cat({negative.expand({batch, -1, -1}), positive.expand({batch, -1, -1})});
  const torch::Tensor both =
      parts_.unet->forward(at::cat({x, x}), at::full({2 * batch}, timestep, options), context);
  const torch::Tensor uncond = both.narrow(0, 0, batch);
  const torch::Tensor cond = both.narrow(0, batch, batch);
  return uncond + c.guidance_scale * (cond - uncond);
}

torch::Tensor StableDiffusionModel::preview_rgb(const torch::Tensor& sample) const {
  return latent_to_rgb(sample);
}

torch::Tensor StableDiffusionModel::decode(const torch::Tensor& sample) {
  c10::InferenceMode inference;
  return parts_.vae->decode(sample / parts_.vae->config().scaling_factor);
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
  return std::make_shared<StableDiffusionModel>(std::move(parts), std::move(info));
}

}  // namespace emergence
