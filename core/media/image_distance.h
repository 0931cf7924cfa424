#pragma once

#include <torch/types.h>

#include <vector>

#include "core/media/spectrum_snapshot.h"

namespace emergence {

// How far an image is from a reference, overall and per spectral band. Both are model-space
// [C,H,W] (or [1,C,H,W]) tensors shown as diffusers shows them, clamp(x/2 + 0.5, 0, 1).
struct ImageDistance {
  double rmse = 0.0;              // over every pixel and channel, in [0, 1] units
  std::vector<double> band_rmse;  // RMS of the luminance difference inside each band
};

// The bands image_distance reports for an H×W image: log_spaced_bands of the shorter side.
std::vector<SpectralBand> distance_bands(int height, int width);

// The difference is linear, so a band's RMS is that of the band-filtered difference plane
// (Parseval: the band RMS values squared add up to the luminance difference's energy off DC).
ImageDistance image_distance(const torch::Tensor& image, const torch::Tensor& reference);

}  // namespace emergence
