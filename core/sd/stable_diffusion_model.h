#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/diffusion_model.h"
#include "core/model/autoencoder_kl.h"
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
  std::vector<std::string> notices(const GenerationParams& params) const override;

  // The UNet's context for a prompt, [1, 77, D]: the text encoder's output after clip skip.
  torch::Tensor text_context(const std::string& prompt, int clip_skip);
  TokenizedPrompt tokenize(const std::string& prompt) const;

 private:
  StableDiffusionParts parts_;
  ModelInfo info_;
  std::map<std::pair<std::string, int>, torch::Tensor> contexts_;
};

// Loads a StableDiffusionPipeline folder (see stable_diffusion_folder.h); the scheduler is the
// folder's unless one is given. Weights are read from memory-mapped files in their stored
// precision (F32, F16 or BF16) and copied once, into float32 parameters.
std::shared_ptr<StableDiffusionModel> load_stable_diffusion_model(
    const std::string& dir, const std::optional<SchedulerConfig>& scheduler = std::nullopt);

}  // namespace emergence
