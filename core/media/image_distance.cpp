#include "image_distance.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/media/spectrum.h"

namespace emergence {
namespace {

torch::Tensor shown(const torch::Tensor& x) {
  const torch::Tensor chw = x.dim() == 4 ? x[0] : x;
  return (chw.to(torch::kFloat32) / 2 + 0.5).clamp(0, 1).contiguous();
}

}  // namespace

std::vector<SpectralBand> distance_bands(int height, int width) {
  return log_spaced_bands(std::min(height, width));
}

ImageDistance image_distance(const torch::Tensor& image, const torch::Tensor& reference) {
  const torch::Tensor a = shown(image);
  const torch::Tensor b = shown(reference);
  if (a.sizes() != b.sizes() || a.dim() != 3) {
    throw Error("image_distance: the two images differ in shape");
  }
  const torch::Tensor difference = (a - b).contiguous();
  ImageDistance d;
  d.rmse = std::sqrt(difference.pow(2).mean().item<double>());
  const int channels = static_cast<int>(difference.size(0));
  const int height = static_cast<int>(difference.size(1));
  const int width = static_cast<int>(difference.size(2));
  const cv::Mat plane =
      spectrum_plane(difference.data_ptr<float>(), channels, height, width, kLuminance);
  for (const SpectralBand& band : distance_bands(height, width)) {
    const cv::Mat filtered = band_filter(plane, band);
    d.band_rmse.push_back(std::sqrt(cv::mean(filtered.mul(filtered))[0]));
  }
  return d;
}

}  // namespace emergence
