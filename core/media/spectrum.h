#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "core/media/spectrum_snapshot.h"

// Radially averaged power spectral density (RAPSD) and the quantities built on it: bands, noise
// floor, cutoff and lock-in. Background: natural images have P(f) ∝ f^−α with α ≈ 2 while noise is
// flat, so each noise level drowns every frequency above a cutoff and sampling lowers that cutoff
// step by step (Dieleman 2024, "Diffusion is spectral autoregression"; Falck et al. 2025,
// arXiv 2505.11278).
namespace emergence {

// Which plane of a [C,H,W] image is analysed.
constexpr int kLuminance = -1;

// Channel weights of the analysed plane: Rec.601 luma (0.299, 0.587, 0.114) of the first three
// channels for kLuminance on 3- or 4-channel images, {1} for one channel, equal weights for two;
// a channel index ≥ 0 selects that channel alone.
std::vector<double> plane_weights(int channels, int channel);
// Σ wᵢ²: white noise of variance σ² in every channel has variance σ²·gain in the plane.
double noise_gain(int channels, int channel);
// The analysed H×W CV_32F plane of a contiguous float [C,H,W] image.
cv::Mat spectrum_plane(const float* chw, int channels, int height, int width, int channel);

// RAPSD of a CV_32F plane: P = |fftshift(fft2(img))|²/(H·W) averaged over r = round(√(x²+y²)),
// r = 1 … N/2, DC dropped; element k is radius k+1, i.e. (k+1)/N cycles per pixel. Under this
// normalisation white noise of variance v has a flat RAPSD equal to v.
std::vector<double> rapsd(const cv::Mat& plane);

// Log-spaced bands over radii 1 … num_bins: up to max_bands of them, fewer when the image is so
// small that a band would hold no integer radius (16²: 4, 32²: 6, 64²: 7, 256²: 8).
std::vector<SpectralBand> log_spaced_bands(int size, int max_bands = 8);

// Below this share of an image's energy a band counts as empty (float rounding residue).
constexpr double kEmptyBand = 1e-10;

// The plane with every frequency outside the band zeroed (ideal annulus mask in Fourier space).
cv::Mat band_filter(const cv::Mat& plane, const SpectralBand& band);
// Normalised correlation Σab/√(Σa²Σb²) of the band-filtered planes; 0 when either is empty.
// DC is outside every band, so this is also their Pearson correlation.
double band_correlation(const cv::Mat& a, const cv::Mat& b, const SpectralBand& band);

// Least-squares slope of log P against log f over radii first … last (≈ −α for P ∝ f^−α).
double loglog_slope(const std::vector<double>& rapsd, int size, int first_radius, int last_radius);

// Cycles per pixel at which a data spectrum first drops below a flat noise floor, interpolated in
// log-log between bins: 0 when even the lowest bin is drowned, 0.5 (Nyquist) when none is.
double cutoff_frequency(const std::vector<float>& data_rapsd, int size, double noise_floor);

// The first step from which the series stays ≥ threshold through its end; -1 if it never does.
int emergence_step(const std::vector<float>& lockin_per_step, double threshold = 0.9);

}  // namespace emergence
