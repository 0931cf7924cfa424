#pragma once

#include <string>

#include "core/diffusion_model.h"
#include "core/model/autoencoder_tiny.h"

namespace emergence {

// TAESD from a path: a diffusers AutoencoderTiny folder (config.json and
// diffusion_pytorch_model.safetensors, as a pipeline's vae_tiny/), madebyollin's
// taesd_decoder.safetensors (either key layout), or a folder holding that file. Errors name the
// path and why it is not TAESD; pickle files are refused unopened.
AutoencoderTiny load_preview_decoder(const std::string& path);

// Loads TAESD from `path` as the model's preview decoder (DiffusionModel::preview_decode). Error
// when the model is not a latent model or the TAESD does not fit its latents.
void attach_preview_decoder(DiffusionModel& model, const std::string& path);
// The same for a TAESD loaded already (load_preview_decoder); `origin` names it in errors.
void attach_preview_decoder(DiffusionModel& model, AutoencoderTiny taesd,
                            const std::string& origin);

}  // namespace emergence
