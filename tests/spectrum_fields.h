#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

#include "core/noise_schedule.h"
#include "core/sampling_loop.h"

// Synthetic images and an analytic denoiser for the spectrum tests.
namespace emergence::test {

// White Gaussian noise of the given variance, CV_32F size×size.
cv::Mat white_noise(int size, double variance, uint64_t seed);
// cos(2π(fx·x + fy·y)/size): a plane wave of fx, fy cycles across the image.
cv::Mat plane_wave(int size, int cycles_x, int cycles_y);
// A Gaussian random field with power ∝ f^−α (DC zero), scaled to unit variance.
cv::Mat power_law_field(int size, double alpha, uint64_t seed);

// The exact posterior-mean denoiser for a Gaussian prior whose channels are independent fields with
// power P(f) = A·(N·f)^−α (A sets the per-pixel variance): x̂0 = P/(P+σ²) · x_t/√ᾱ per frequency
// (the Wiener filter), returned as the ε-prediction (x_t − √ᾱ·x̂0)/√(1−ᾱ). The image is then a
// draw from that prior, so what the spectra show is the schedule and the physics, not a network.
DenoiseFn gaussian_prior_oracle(const NoiseSchedule& schedule, int size, double alpha,
                                double variance);

}  // namespace emergence::test
