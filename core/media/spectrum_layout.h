#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace emergence {

// Where each coefficient of an H×W real image's DFT falls on the radial frequency axis, and a
// packed form of the spectrum that makes radial averages and band correlations contiguous sums.
//
// A real image's DFT is Hermitian, so only columns 0 … W/2 are kept; a kept coefficient that
// stands for itself and its mirror image is scaled by √2, so plain sums of squares and products
// over the packed form equal sums over the whole plane (Parseval). Coefficients are sorted by
// integer radius r = round(N·√((kx/W)² + (ky/H)²)), N = min(H, W) (for square images simply
// round(√(kx² + ky²))); only r = 1 … N/2 are kept: DC and the corners beyond N/2 are dropped.
class SpectrumLayout {
 public:
  SpectrumLayout(int height, int width);
  // Integer radius of the full-plane DFT coefficient (row, col) of an H×W image.
  static int radius(int row, int col, int height, int width);

  int height() const { return height_; }
  int width() const { return width_; }
  int size() const { return size_; }  // N
  int num_bins() const { return size_ / 2; }
  // Cycles per pixel of bin k (radius k+1).
  double frequency(int bin) const { return (bin + 1) / static_cast<double>(size_); }
  // Packed coefficients of bin k are [bin_offset(k), bin_offset(k+1)), in complex entries.
  int bin_offset(int bin) const { return bin_offsets_[bin]; }
  int num_packed() const { return bin_offsets_.back(); }

  // Packs cv::dft(plane, DFT_COMPLEX_OUTPUT) (H×W CV_32FC2) as interleaved re, im floats.
  std::vector<float> pack(const cv::Mat& complex_dft) const;
  // DFT of a H×W CV_32F plane, packed.
  std::vector<float> packed_spectrum(const cv::Mat& plane) const;
  // Radially averaged power |F|²/(H·W) per bin, from a packed spectrum.
  std::vector<double> radial_average(const std::vector<float>& packed) const;
  // Σ Re(a·conj(b)) over the packed entries of bins first … last: with a = b, the band's energy.
  static double dot(const std::vector<float>& a, const std::vector<float>& b, int begin_entry,
                    int end_entry);

 private:
  int height_;
  int width_;
  int size_;
  std::vector<int> source_;         // index into the H×W complex DFT of each packed entry
  std::vector<float> scale_;        // 1 or √2 per packed entry
  std::vector<int> bin_offsets_;    // num_bins + 1 entries
  std::vector<double> bin_weight_;  // how many full-plane coefficients each bin averages
};

}  // namespace emergence
