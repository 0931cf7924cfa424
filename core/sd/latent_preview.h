#pragma once

#include <torch/types.h>

namespace emergence {

// The cheap view of a Stable Diffusion 1/2 latent: a fixed linear map of its 4 channels to RGB,
// one pixel per latent cell, in the image's [−1, 1] scale. It is linear (no offset), so the
// preview of a step's update Δ is the update of the previews. [B, 4, h, w] → [B, 3, h, w].
torch::Tensor latent_to_rgb(const torch::Tensor& latent);

}  // namespace emergence
