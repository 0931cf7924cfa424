#include "latent_preview.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace emergence {

torch::Tensor latent_to_rgb(const torch::Tensor& latent) {
  if (latent.dim() != 4 || latent.size(1) != 4) {
    throw Error("a Stable Diffusion latent preview needs [B, 4, h, w]");
  }
  // ComfyUI comfy/latent_formats.py SD15.latent_rgb_factors (rows: latent channels; columns: R,
  // G, B), fitted to the SD 1.5 VAE and used by ComfyUI for SD 2 as well.
  static const float kFactors[4][3] = {{0.3512f, 0.2297f, 0.3227f},
                                       {0.3250f, 0.4974f, 0.2350f},
                                       {-0.2829f, 0.1762f, 0.2721f},
                                       {-0.2120f, -0.2616f, -0.7177f}};
  const torch::Tensor factors =
      torch::from_blob(const_cast<float*>(&kFactors[0][0]), {4, 3}, torch::kFloat32)
          .to(latent.device(), latent.scalar_type());
  return at::einsum("bchw,cr->brhw", {latent, factors});
}

}  // namespace emergence
