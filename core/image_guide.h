#pragma once

#include <torch/types.h>

#include <string>

namespace emergence {

class Sampler;

// A picture a run starts from, and optionally the part of it that may change. In model space:
// image [1,C,H,W] in [−1, 1]; mask [1,1,H,W] in [0, 1], 1 = repaint, 0 = keep.
struct ImageGuide {
  torch::Tensor image;    // undefined: the run starts from noise
  double strength = 1.0;  // in (0, 1]: how much of the schedule runs (first_call_for_strength)
  torch::Tensor mask;     // undefined: the whole image may change

  bool active() const { return image.defined(); }
};

// SDEdit (Meng et al. 2021) with diffusers' `strength`: of N steps only the last ⌊N·s⌋ run
// (StableDiffusionImg2ImgPipeline.get_timesteps), so strength 1 is plain generation from noise and
// a strength under 1/N runs nothing. Returns the index of the first model call.
int first_call_for_strength(const Sampler& sampler, double strength);
// Error unless strength is in (0, 1].
void validate_strength(double strength);
// The steps of N that run at a strength: min(⌊N·s⌋, N).
int steps_to_run(int steps, double strength);

// x0 noised to σ in the sampler's own scale with the given ε: x0 + σε when it is variance
// exploding, else √ᾱ·x0 + √(1−ᾱ)·ε with ᾱ = 1/(1+σ²) (Ho et al. 2020, Eq. 4).
torch::Tensor noised_to(const Sampler& sampler, const torch::Tensor& x0, const torch::Tensor& eps,
                        double sigma);

// Inpainting by RePaint's blend (Lugmayr et al. 2022, Eq. 8) without its resampling, as ComfyUI's
// KSamplerX0Inpaint does: after each step the kept part is replaced by `known`, the input noised
// to that step's level: m·x + (1−m)·known.
torch::Tensor keep_unmasked(const torch::Tensor& x, const torch::Tensor& known,
                            const torch::Tensor& mask);

// Checks a guide against the latent shape [1,C,H,W]; the Error names what does not fit.
void validate_guide(const ImageGuide& guide, const torch::Tensor& latent);

// A mask [1,1,H,W] in [0, 1] as GenerationParams::mask writes it (hex 8-bit levels, row by row),
// and back; errors name what is wrong with the text.
std::string mask_to_hex(const torch::Tensor& mask);
torch::Tensor mask_from_hex(const std::string& hex, int height, int width);

// SHA-256 of an image's 8-bit levels, round(127.5·(x+1)) in C,H,W order: what the parameters
// record of the start image, so a different one is caught.
std::string image_levels_hash(const torch::Tensor& image);

}  // namespace emergence
