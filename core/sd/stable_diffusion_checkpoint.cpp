#include "stable_diffusion_checkpoint.h"

#include <filesystem>

#include "core/error.h"
#include "core/model/model_folder.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "ldm_checkpoint.h"
#include "shipped_resources.h"

namespace emergence {
namespace {

// SCHEDULER_DEFAULT_CONFIG of diffusers' loaders/single_file_utils.py as _legacy_load_scheduler
// completes it for SD 1/2 (beta range from the yamls' linear_start / linear_end), as DDIM.
SchedulerConfig single_file_scheduler(PredictionType prediction) {
  return scheduler_config_from_json({{"_class_name", "DDIMScheduler"},
                                     {"num_train_timesteps", 1000},
                                     {"beta_start", 0.00085},
                                     {"beta_end", 0.012},
                                     {"beta_schedule", "scaled_linear"},
                                     {"steps_offset", 1},
                                     {"timestep_spacing", "leading"},
                                     {"clip_sample", false},
                                     {"set_alpha_to_one", false},
                                     {"prediction_type", to_string(prediction)}});
}

PredictionType chosen(PredictionChoice choice) {
  return choice == PredictionChoice::VPrediction ? PredictionType::VPrediction
                                                 : PredictionType::Epsilon;
}

}  // namespace

std::shared_ptr<StableDiffusionModel> load_stable_diffusion_checkpoint(const std::string& path,
                                                                       const LoadOptions& options,
                                                                       PredictionProbe* probe) {
  const SafetensorsFile file(path);
  const LdmCheckpoint c = read_ldm_checkpoint(path, file.tensors(), file.skipped());

  StableDiffusionParts parts{ClipTokenizer::from_vocabulary_gz(
      options.clip_vocabulary.empty() ? shipped_clip_vocabulary() : options.clip_vocabulary)};
  // SD 2's OpenCLIP encoder was trained with "!" as padding, SD 1's CLIP with <|endoftext|>.
  parts.pad_id = c.family == LdmFamily::Sd2 ? parts.tokenizer.id_of("!") : parts.tokenizer.eos_id();
  if (parts.tokenizer.eos_id() >= c.text_encoder.vocab_size) {
    throw Error(path + ": the text encoder has " + std::to_string(c.text_encoder.vocab_size) +
                " token embeddings, fewer than CLIP's vocabulary of " +
                std::to_string(parts.tokenizer.eos_id() + 1));
  }
  parts.text_encoder = ClipTextModel(c.text_encoder);
  load_clip_text_weights(parts.text_encoder, c.text_encoder_weights, path);
  parts.unet = UNet2DConditionModel(c.unet);
  // The UNet's pages are let go tensor by tensor, as for a folder's UNet file.
  copy_module_weights(*parts.unet, c.unet_weights, path,
                      "the UNet its shapes describe (names as diffusers gives them)",
                      [&](const std::string& name) { file.release(c.unet_file_names.at(name)); });
  parts.vae = AutoencoderKL(c.vae);
  load_autoencoder_kl_weights(*parts.vae, c.vae_weights, path);

  // The user's choice, else the scheduler config they gave, else SD 1's ε or SD 2's probe.
  PredictionType prediction = chosen(options.prediction);
  if (options.prediction == PredictionChoice::Auto && options.scheduler) {
    prediction = options.scheduler->sampler.prediction;
  } else if (options.prediction == PredictionChoice::Auto && c.family == LdmFamily::Sd2) {
    parts.unet->eval();
    const PredictionProbe result = probe_v_prediction(*parts.unet);
    prediction = result.v_prediction ? PredictionType::VPrediction : PredictionType::Epsilon;
    if (probe) {
      *probe = result;
    }
  }

  const std::filesystem::path p(path);
  ModelInfo info;
  info.name = p.stem().string();
  info.path = path;
  ModelFolder hashed;
  hashed.path = p.parent_path().string();
  hashed.files = {p.filename().string()};
  info.hash = model_hash(hashed);
  info.channels = c.unet.in_channels;
  // diffusers' DIFFUSERS_TO_LDM_DEFAULT_IMAGE_SIZE_MAP: 512 px, and 768 for SD 2's v models.
  info.height = prediction == PredictionType::VPrediction ? 96 : c.unet.sample_size.value_or(64);
  info.width = info.height;
  info.latent_scale = 1 << (static_cast<int>(c.vae.block_out_channels.size()) - 1);
  info.takes_prompt = true;
  info.any_size = true;
  info.max_clip_skip = c.text_encoder.num_hidden_layers - 1;
  info.scheduler = options.scheduler ? *options.scheduler : single_file_scheduler(prediction);
  info.scheduler.sampler.prediction = prediction;
  return std::make_shared<StableDiffusionModel>(std::move(parts), std::move(info));
}

}  // namespace emergence
