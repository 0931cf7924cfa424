#pragma once

#include <memory>
#include <vector>

// Plain data only (no torch, no OpenCV), so ui/ headers can include it.
namespace emergence {

// A radial frequency band: the integer radii first_radius … last_radius of the shifted spectrum.
// Radius r stands for r / N cycles per pixel (N = min(H, W)); because radii are rounded, the band
// covers the frequencies [(first_radius − ½)/N, (last_radius + ½)/N), so bands tile the axis.
struct SpectralBand {
  int first_radius = 1;
  int last_radius = 1;
  double low_frequency = 0.0;   // cycles/pixel, inclusive
  double high_frequency = 0.0;  // cycles/pixel, exclusive
};

// What one frame of a run looked like in frequency space. Immutable once recorded.
// Every power is in x̂0 units: x_t is divided by √ᾱ first, so x_t's spectrum is ≈ data + σ².
struct SpectralStep {
  int index = 0;  // frame index (0 = the initial noise)
  double timestep = 0.0;
  double sigma = 0.0;           // σ_t = √((1−ᾱ)/ᾱ), the noise level of x_t in x̂0 units
  double noise_floor = 0.0;     // flat RAPSD of the noise in x_t: σ² · noise_gain
  std::vector<float> rapsd_xt;  // per radius bin (bin k is radius k+1)
  std::vector<float> rapsd_x0;  // per radius bin
};

// Everything the spectrum panel and the CSV export need about one run, as of one moment.
// Per-step vectors are indexed by position in `steps`, which is the frame index for a run recorded
// from its first frame (what SpectralTrack does).
struct SpectralSnapshot {
  int height = 0;
  int width = 0;
  int size = 0;             // N = min(H, W); radius r is r/N cycles per pixel
  int channel = -1;         // -1: luminance (Rec.601 weights), else that channel alone
  double noise_gain = 1.0;  // Σ wᵢ² of the plane's channel weights: white noise σ² → σ²·gain
  int total_calls = 0;      // model calls in the run; frames are 0 … total_calls
  bool complete = false;    // the final frame has arrived: reference_step is the final image
  int reference_step = -1;  // frame whose x̂0 lock-in and cutoff are measured against
  double lockin_threshold = 0.9;

  std::vector<double> frequencies;  // cycles/pixel of each radius bin: (k+1)/N
  std::vector<SpectralBand> bands;  // log-spaced, lowest first
  std::vector<std::shared_ptr<const SpectralStep>> steps;  // one per received frame, in order
  std::vector<float> reference_rapsd;  // RAPSD of the reference x̂0 (the final image when complete)
  std::vector<float> lockin;   // steps × bands, row-major: corr(band of x̂0_i, of reference)
  std::vector<double> cutoff;  // per step: cycles/pixel where reference meets the floor
  // Per band: first step with lock-in ≥ threshold for good, or -1. Mid-run the reference frame
  // itself is left out (it trivially agrees with itself).
  std::vector<int> emergence;

  int num_steps() const { return static_cast<int>(steps.size()); }
  int num_bands() const { return static_cast<int>(bands.size()); }
  int num_bins() const { return static_cast<int>(frequencies.size()); }
  float lockin_at(int step, int band) const { return lockin[step * bands.size() + band]; }
  // Index of the band holding radius bin k, or -1.
  int band_of_bin(int bin) const {
    for (int b = 0; b < num_bands(); ++b) {
      if (bin + 1 >= bands[b].first_radius && bin + 1 <= bands[b].last_radius) {
        return b;
      }
    }
    return -1;
  }
};

}  // namespace emergence
