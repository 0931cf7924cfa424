#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sampler.h"

namespace emergence {

// Everything that determines a generated image: with the same model these reproduce it bit for
// bit. Travels with every export (PNG text chunk, JSON sidecar) and back via --from-json.
struct GenerationParams {
  std::string model_path;  // model folder; empty = the built-in model
  std::string model_name;  // for display and metadata
  std::string model_hash;  // ModelInfo::hash of the model, when known
  std::string sampler = "ddim";
  int steps = 50;
  Spacing spacing = Spacing::Leading;  // the "schedule" of the GUI and --schedule
  double shift = 1.0;
  double karras_rho = 7.0;
  double eta = 0.0;
  uint64_t seed = 0;
  int64_t class_label = -1;  // < 0: unconditional
  double guidance_scale = 1.0;
  // Text-conditioned models (Stable Diffusion): what to draw and what to steer away from (the
  // unconditional half of classifier-free guidance), and diffusers' clip_skip (0: the text
  // encoder's last layer; A1111's "Clip skip: 2" is 1).
  std::string prompt;
  std::string negative_prompt;
  int clip_skip = 0;
  // The image size in pixels, for models that take any size; 0: the model's own.
  int width = 0;
  int height = 0;
  // diffusers' own arithmetic where ours is deliberately different: DDIM keeps the unclipped ε̂
  // after clipping x̂0 and steps to t − T/N, Heun's corrector and DPM2's full step extrapolate on
  // steps where σ falls over threefold, and DPM++ 3M SDE weighs D2 by −1 − O(h).
  bool diffusers_exact = false;
  // Image to image (core/image_guide.h). The start image travels beside the parameters (a file,
  // the canvas); they record the SHA-256 of its fitted 8-bit levels (image_levels_hash), so that
  // a different image is refused rather than silently used. Empty: the run starts from noise.
  std::string init_image_hash;
  // How it was fitted to the model (informative): "crop", "pad", or "sketch" (painted at its size)
  std::string init_image_fit;
  double strength = 1.0;  // diffusers' strength: the last ⌊steps·strength⌋ steps run
  // Inpainting: the mask at the model's size, row by row, two hex digits per pixel (ff = repaint,
  // 00 = keep). Small enough to travel in a PNG text chunk; empty: no mask.
  std::string mask;
  // Variations (AUTOMATIC1111's subseed): the initial noise is the slerp, by variation_strength in
  // [0, 1], from the seed's noise to the variation seed's (core/noise_variation.h). 0: none.
  uint64_t variation_seed = 0;
  double variation_strength = 0.0;
  // A branch (core/branching.h): the run is its parent's up to frame branch_step and follows these
  // parameters from there on. Null: the run starts from its own noise.
  std::shared_ptr<const GenerationParams> parent;
  int branch_step = 0;
};

// Whether η changes the sampler's result (DDIM's stochasticity); the others ignore it.
bool sampler_uses_eta(const std::string& sampler);

nlohmann::json to_json(const GenerationParams& params);
// Reads what to_json wrote; unknown keys are ignored. Every key that shapes the image must be
// present: a missing one, or a wrong type, is an Error naming the key.
GenerationParams generation_params_from_json(const nlohmann::json& json);
// A prompt run: one whose params carry an image size (text-to-image models always record one).
bool is_prompt_run(const GenerationParams& params);
// AUTOMATIC1111's one-line style. A prompt run's is A1111's own infotext line, field for field
// (modules/processing.py create_infotext): "Steps: 20, Sampler: Euler a, Schedule type: Karras,
// CFG scale: 7, Seed: 1, Size: 512x512, Model hash: …, Model: …, …, Version: …"; a pixel
// model's is "Steps: 50, Sampler: ddim, Schedule: leading, Shift: 1, …".
std::string to_parameters_line(const GenerationParams& params);
// The PNG "parameters" text: for a prompt run A1111's layout (the prompt, a "Negative prompt:"
// line unless it is empty, then the line above), so A1111's PNG Info reads it; else the line.
std::string to_parameters_text(const GenerationParams& params);

}  // namespace emergence
