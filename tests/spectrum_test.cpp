// RAPSD, bands, cutoff and the emergence rule on synthetic images with known spectra.
#include "core/media/spectrum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/media/spectrum_layout.h"
#include "spectrum_fields.h"

namespace emergence {
namespace {

struct Wave {
  int size;
  int cycles_x;
  int cycles_y;
  int radius;  // round(√(fx² + fy²))
};

class PlaneWavePeak : public ::testing::TestWithParam<Wave> {};

TEST_P(PlaneWavePeak, PeaksInTheBinOfItsFrequency) {
  const Wave w = GetParam();
  const std::vector<double> power = rapsd(test::plane_wave(w.size, w.cycles_x, w.cycles_y));
  const auto peak = std::max_element(power.begin(), power.end()) - power.begin();
  EXPECT_EQ(peak + 1, w.radius);
  // Everything else is numerically zero: a cosine is two DFT coefficients.
  for (size_t k = 0; k < power.size(); ++k) {
    if (static_cast<int>(k) != peak) {
      EXPECT_LT(power[k], 1e-6 * power[peak]) << "bin " << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Waves, PlaneWavePeak,
                         ::testing::Values(Wave{64, 5, 0, 5}, Wave{64, 0, 1, 1}, Wave{64, 3, 4, 5},
                                           Wave{32, 16, 0, 16}, Wave{256, 60, 80, 100},
                                           Wave{16, 2, 5, 5}));

TEST(Rapsd, WhiteNoiseIsFlatAtItsVariance) {
  const double variance = 0.3;
  const std::vector<double> power = rapsd(test::white_noise(256, variance, 7));
  ASSERT_EQ(power.size(), 128u);
  // Bins r ≥ 32 average ≥ 200 coefficients each; over them the mean is tight.
  const double mean = std::accumulate(power.begin() + 31, power.end(), 0.0) / (power.size() - 31);
  EXPECT_NEAR(mean / variance, 1.0, 0.02);
  EXPECT_NEAR(loglog_slope(power, 256, 4, 128), 0.0, 0.05);
  for (const SpectralBand& band : log_spaced_bands(256)) {
    if (band.first_radius < 16) {
      continue;
    }
    double sum = 0.0;
    for (int r = band.first_radius; r <= band.last_radius; ++r) {
      sum += power[r - 1];
    }
    EXPECT_NEAR(sum / (band.last_radius - band.first_radius + 1) / variance, 1.0, 0.05)
        << "band from radius " << band.first_radius;
  }
}

TEST(Rapsd, LuminanceOfWhiteNoiseSitsAtSigmaSquaredTimesGain) {
  // Three independent channels of variance σ²: the Rec.601 luma plane has variance σ²·Σw².
  const int size = 256;
  const double sigma2 = 2.0;
  std::vector<float> chw;
  for (int c = 0; c < 3; ++c) {
    const cv::Mat n = test::white_noise(size, sigma2, 100 + c);
    chw.insert(chw.end(), n.ptr<float>(), n.ptr<float>() + size * size);
  }
  const std::vector<double> power = rapsd(spectrum_plane(chw.data(), 3, size, size, kLuminance));
  const double mean = std::accumulate(power.begin() + 31, power.end(), 0.0) / (power.size() - 31);
  EXPECT_NEAR(noise_gain(3, kLuminance), 0.299 * 0.299 + 0.587 * 0.587 + 0.114 * 0.114, 1e-12);
  EXPECT_NEAR(mean / (sigma2 * noise_gain(3, kLuminance)), 1.0, 0.03);
  EXPECT_DOUBLE_EQ(noise_gain(3, 1), 1.0);
}

class PowerLawSlope : public ::testing::TestWithParam<double> {};

TEST_P(PowerLawSlope, FittedSlopeMatchesAlpha) {
  const double alpha = GetParam();
  const std::vector<double> power = rapsd(test::power_law_field(256, alpha, 11));
  EXPECT_NEAR(-loglog_slope(power, 256, 2, 128), alpha, 0.15);
}

INSTANTIATE_TEST_SUITE_P(Alphas, PowerLawSlope, ::testing::Values(1.0, 2.0, 3.0));

TEST(Bands, CountFollowsImageSizeAndTileTheAxis) {
  const std::vector<std::pair<int, int>> expected = {{16, 4}, {32, 6}, {64, 7}, {256, 8}};
  for (const auto& [size, count] : expected) {
    const std::vector<SpectralBand> bands = log_spaced_bands(size);
    ASSERT_EQ(static_cast<int>(bands.size()), count) << size;
    EXPECT_EQ(bands.front().first_radius, 1);
    EXPECT_EQ(bands.back().last_radius, size / 2);
    for (size_t b = 0; b < bands.size(); ++b) {
      EXPECT_LE(bands[b].first_radius, bands[b].last_radius) << size << " band " << b;
      if (b > 0) {
        EXPECT_EQ(bands[b].first_radius, bands[b - 1].last_radius + 1);
        EXPECT_DOUBLE_EQ(bands[b].low_frequency, bands[b - 1].high_frequency);
        // Log spacing: each band starts at least as far up (in ratio) as it is wide… roughly.
        EXPECT_GE(bands[b].first_radius, bands[b - 1].first_radius + 1);
      }
    }
  }
  EXPECT_THROW(log_spaced_bands(1), Error);
}

TEST(Bands, ABandLimitedImageHasLockInOneInItsBands) {
  const std::vector<SpectralBand> bands = log_spaced_bands(64);
  const cv::Mat noise = test::white_noise(64, 1.0, 3);
  const cv::Mat limited = test::white_noise(64, 1.0, 4);
  // `content` lives in bands 2 and 5 only; `other` adds energy in bands 0 and 6 only.
  const cv::Mat content = band_filter(noise, bands[2]) + band_filter(noise, bands[5]);
  const cv::Mat other = band_filter(limited, bands[0]) + band_filter(limited, bands[6]);
  const cv::Mat later = 3.0 * content + other;
  for (int b : {2, 5}) {
    EXPECT_NEAR(band_correlation(later, content, bands[b]), 1.0, 1e-5) << b;
  }
  for (int b : {1, 3, 4}) {
    EXPECT_EQ(band_correlation(later, content, bands[b]), 0.0) << b;
  }
  EXPECT_LT(std::abs(band_correlation(later, noise, bands[0])), 0.5);
}

TEST(Bands, PackedDotProductsMatchFilteredImages) {
  // The packed half-plane spectrum (√2-weighted) must give the same energies and correlations as
  // band-filtering in the image domain: this checks the layout's Hermitian bookkeeping.
  for (const auto& [h, w] : std::vector<std::pair<int, int>>{{32, 32}, {33, 31}, {24, 40}}) {
    const SpectrumLayout layout(h, w);
    cv::Mat a(h, w, CV_32F), b(h, w, CV_32F);
    cv::RNG rng(h * 100 + w);
    rng.fill(a, cv::RNG::NORMAL, 0.0, 1.0);
    rng.fill(b, cv::RNG::NORMAL, 0.0, 1.0);
    b = 0.5 * a + b;
    const std::vector<float> pa = layout.packed_spectrum(a);
    const std::vector<float> pb = layout.packed_spectrum(b);
    for (const SpectralBand& band : log_spaced_bands(layout.size())) {
      const int begin = layout.bin_offset(band.first_radius - 1);
      const int end = layout.bin_offset(band.last_radius);
      const cv::Mat fa = band_filter(a, band);
      // Parseval: Σ|F|² = H·W·Σ f² for the filtered image.
      EXPECT_NEAR(SpectrumLayout::dot(pa, pa, begin, end) / (h * w), fa.dot(fa), 1e-3 * fa.dot(fa));
      const double packed = SpectrumLayout::dot(pa, pb, begin, end) /
                            std::sqrt(SpectrumLayout::dot(pa, pa, begin, end) *
                                      SpectrumLayout::dot(pb, pb, begin, end));
      EXPECT_NEAR(packed, band_correlation(a, b, band), 1e-4) << h << "x" << w;
    }
  }
}

TEST(Cutoff, IsWherePowerLawMeetsTheFloor) {
  const int size = 64;
  std::vector<float> power(size / 2);
  for (int k = 0; k < size / 2; ++k) {
    power[k] = static_cast<float>(std::pow((k + 1.0) / size, -2.0));
  }
  // P(f) = f⁻² meets the floor P(0.2) = 25 at f = 0.2.
  EXPECT_NEAR(cutoff_frequency(power, size, 25.0), 0.2, 1e-3);
  EXPECT_EQ(cutoff_frequency(power, size, 1e9), 0.0);
  EXPECT_EQ(cutoff_frequency(power, size, 1.0), 0.5);
  EXPECT_EQ(cutoff_frequency(power, size, 0.0), 0.5);
}

struct EmergenceCase {
  std::vector<float> lockin;
  int expected;
};

class EmergenceRule : public ::testing::TestWithParam<EmergenceCase> {};

TEST_P(EmergenceRule, FirstStepAtOrAboveThresholdThatStays) {
  EXPECT_EQ(emergence_step(GetParam().lockin, 0.9), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Series, EmergenceRule,
    ::testing::Values(EmergenceCase{{0.1f, 0.95f, 0.5f, 0.91f, 0.99f, 1.0f}, 3},
                      EmergenceCase{{1.0f, 1.0f, 1.0f}, 0}, EmergenceCase{{0.0f, 0.9f, 0.9f}, 1},
                      EmergenceCase{{0.95f, 0.92f, 0.89f}, -1}, EmergenceCase{{0.2f, 0.5f}, -1},
                      EmergenceCase{{}, -1}, EmergenceCase{{0.3f, 0.95f, 0.2f, 0.97f}, 3}));

TEST(Plane, RejectsAChannelTheImageLacks) {
  const std::vector<float> chw(3 * 4 * 4, 0.0f);
  EXPECT_THROW(spectrum_plane(chw.data(), 3, 4, 4, 3), Error);
  EXPECT_THROW(plane_weights(0, kLuminance), Error);
  EXPECT_THROW(SpectrumLayout(1, 8), Error);
}

}  // namespace
}  // namespace emergence
