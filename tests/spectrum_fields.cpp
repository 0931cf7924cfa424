#include "spectrum_fields.h"

#include <cmath>
#include <memory>
#include <vector>

namespace emergence::test {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Continuous radius N·√((kx/N)² + (ky/N)²) of full-plane DFT coefficient (row, col).
double continuous_radius(int row, int col, int size) {
  const int ky = row <= size / 2 ? row : row - size;
  const int kx = col <= size / 2 ? col : col - size;
  return std::sqrt(static_cast<double>(kx * kx + ky * ky));
}

// Per-coefficient power A·r^−α, with the DC given the power of radius 1.
cv::Mat power_law(int size, double alpha) {
  cv::Mat power(size, size, CV_64F);
  for (int row = 0; row < size; ++row) {
    for (int col = 0; col < size; ++col) {
      power.at<double>(row, col) =
          std::pow(std::max(1.0, continuous_radius(row, col, size)), -alpha);
    }
  }
  return power;
}

}  // namespace

cv::Mat white_noise(int size, double variance, uint64_t seed) {
  cv::Mat noise(size, size, CV_32F);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0.0, std::sqrt(variance));
  return noise;
}

cv::Mat plane_wave(int size, int cycles_x, int cycles_y) {
  cv::Mat wave(size, size, CV_32F);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      wave.at<float>(y, x) =
          static_cast<float>(std::cos(2.0 * kPi * (cycles_x * x + cycles_y * y) / size));
    }
  }
  return wave;
}

cv::Mat power_law_field(int size, double alpha, uint64_t seed) {
  cv::Mat spectrum;
  cv::dft(white_noise(size, 1.0, seed), spectrum, cv::DFT_COMPLEX_OUTPUT);
  const cv::Mat power = power_law(size, alpha);
  for (int row = 0; row < size; ++row) {
    for (int col = 0; col < size; ++col) {
      const float gain =
          row == 0 && col == 0 ? 0.0f : static_cast<float>(std::sqrt(power.at<double>(row, col)));
      spectrum.at<cv::Vec2f>(row, col) *= gain;
    }
  }
  cv::Mat field;
  cv::idft(spectrum, field, cv::DFT_SCALE | cv::DFT_REAL_OUTPUT);
  cv::Scalar mean, deviation;
  cv::meanStdDev(field, mean, deviation);
  return (field - mean[0]) / deviation[0];
}

DenoiseFn gaussian_prior_oracle(const NoiseSchedule& schedule, int size, double alpha,
                                double variance) {
  // Per-pixel variance = Σ_k P(k) / (H·W), so A = variance·H·W / Σ_k r^−α.
  auto power = std::make_shared<cv::Mat>(power_law(size, alpha));
  *power *= variance * size * size / cv::sum(*power)[0];
  return [&schedule, power, size](const torch::Tensor& x_in, double t, const Conditioning&) {
    const double sigma = schedule.sigma_at(t);
    const double sqrt_alpha = std::sqrt(1.0 / (1.0 + sigma * sigma));
    const double sqrt_one_minus_alpha = std::sqrt(sigma * sigma / (1.0 + sigma * sigma));
    const torch::Tensor x = x_in.to(torch::kFloat32).contiguous();
    torch::Tensor eps = torch::empty_like(x);
    const int64_t planes = x.size(0) * x.size(1);
    for (int64_t p = 0; p < planes; ++p) {
      cv::Mat plane(size, size, CV_32F, x.data_ptr<float>() + p * size * size);
      cv::Mat spectrum;
      cv::dft(plane / sqrt_alpha, spectrum, cv::DFT_COMPLEX_OUTPUT);
      for (int row = 0; row < size; ++row) {
        for (int col = 0; col < size; ++col) {
          const double prior = power->at<double>(row, col);
          // Wiener filter: the posterior mean of a Gaussian coefficient seen through noise σ².
          spectrum.at<cv::Vec2f>(row, col) *= static_cast<float>(prior / (prior + sigma * sigma));
        }
      }
      cv::Mat x0;
      cv::idft(spectrum, x0, cv::DFT_SCALE | cv::DFT_REAL_OUTPUT);
      cv::Mat out(size, size, CV_32F, eps.data_ptr<float>() + p * size * size);
      cv::Mat e = (plane - sqrt_alpha * x0) / sqrt_one_minus_alpha;
      e.copyTo(out);
    }
    return eps;
  };
}

}  // namespace emergence::test
