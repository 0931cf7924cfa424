#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diffusion_model.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/autoencoder_tiny.h"
#include "core/model/clip_text_model.h"
#include "core/model/unet2d_condition_model.h"
#include "core/scheduler_config.h"
#include "core/text/clip_tokenizer.h"

namespace emergence {

// What a Stable Diffusion 1.x/2.x pipeline runs, loaded.
struct StableDiffusionParts {
  ClipTokenizer tokenizer;
  int64_t pad_id = 49407;  // SD 1 pads with <|endoftext|>, SD 2 with "!" (id 0)
  ClipTextModel text_encoder{nullptr};
  UNet2DConditionModel unet{nullptr};
  AutoencoderKL vae{nullptr};
};

// A text-to-image latent diffusion model (Rombach et al. 2022) behind the DiffusionModel
// interface: the sampler sees the UNet's raw output on latents, as for pixel models; the prompt
// arrives in the Conditioning and is encoded once per prompt and clip skip.
class StableDiffusionModel : public DiffusionModel {
 public:
  StableDiffusionModel(StableDiffusionParts parts, ModelInfo info);

  const ModelInfo& info() const override { return info_; }
  // With guidance > 1, the negative and the positive prompt in one batch of two, then
  // ε = ε_neg + s·(ε_pos − ε_neg) (Ho & Salimans 2022, eq. 6; diffusers StableDiffusionPipeline).
  torch::Tensor denoise(const torch::Tensor& model_input, double timestep,
                        const Conditioning& conditioning) override;
  torch::Tensor preview_rgb(const torch::Tensor& sample) const override;
  // vae.decode(latent / scaling_factor), as the pipeline's final step.
  torch::Tensor decode(const torch::Tensor& sample) override;
  // "TAESD" once one is attached, else empty.
  std::string preview_decoder() const override;
  // taesd.decode(latent / its scaling_factor) (1.0: the UNet's latents as they are), as diffusers'
  // pipeline decodes with an AutoencoderTiny as its vae; the VAE's decode while none is attached.
  torch::Tensor preview_decode(const torch::Tensor& sample) override;
  std::vector<std::string> notices(const GenerationParams& params) const override;

  // Attaches TAESD for previews of x̂0, moved to this model's device. Error when its latent
  // channels or its upscaling do not fit the VAE's; `origin` names it in the message.
  void set_preview_decoder(AutoencoderTiny taesd, const std::string& origin);
  // Moves every part to `device` in compute_dtype(device) (float16 on CUDA), once; inputs are
  // moved there and cast, outputs come back as float32 on the CPU.
  void to_device(const c10::Device& device);
  const c10::Device& device() const { return device_; }

  // The UNet's context for a prompt, [1, 77, D]: the text encoder's output after clip skip.
  torch::Tensor text_context(const std::string& prompt, int clip_skip);
  TokenizedPrompt tokenize(const std::string& prompt) const;

 private:
  // A float32 CPU tensor on this model's device, in its dtype.
  torch::Tensor on_device(const torch::Tensor& x) const;

  StableDiffusionParts parts_;
  AutoencoderTiny taesd_{nullptr};
  ModelInfo info_;
  c10::Device device_{c10::DeviceType::CPU};
  std::map<std::pair<std::string, int>, torch::Tensor> contexts_;
};

// Loads a StableDiffusionPipeline folder (see stable_diffusion_folder.h); the scheduler is the
// folder's unless one is given. A vae_tiny/ folder beside vae/ (AutoencoderTiny) becomes the
// preview decoder. Weights are read from memory-mapped files in their stored
// precision (F32, F16 or BF16) and copied once, into float32 parameters.
std::shared_ptr<StableDiffusionModel> load_stable_diffusion_model(
    const std::string& dir, const std::optional<SchedulerConfig>& scheduler = std::nullopt);

// Runs a loaded model on `device` (StableDiffusionModel::to_device). Pixel models (UNet2DModel)
// run on the CPU only: Error for any other device.
void move_model_to_device(DiffusionModel& model, const c10::Device& device);

}  // namespace emergence
