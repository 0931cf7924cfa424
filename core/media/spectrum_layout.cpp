#include "spectrum_layout.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/error.h"

namespace emergence {

int SpectrumLayout::radius(int row, int col, int height, int width) {
  const int ky = row <= height / 2 ? row : row - height;
  const int kx = col <= width / 2 ? col : col - width;
  const double fy = static_cast<double>(ky) / height;
  const double fx = static_cast<double>(kx) / width;
  return static_cast<int>(std::lround(std::min(height, width) * std::sqrt(fx * fx + fy * fy)));
}

SpectrumLayout::SpectrumLayout(int height, int width)
    : height_(height), width_(width), size_(std::min(height, width)) {
  if (height < 2 || width < 2 || height > 8192 || width > 8192) {
    std::ostringstream m;
    m << "spectrum: image size must be in [2, 8192] per side (got " << height << "×" << width
      << ")";
    throw Error(m.str());
  }
  const int half_width = width / 2;
  struct Entry {
    int radius;
    int source;
    bool mirrored;
  };
  std::vector<Entry> entries;
  for (int row = 0; row < height; ++row) {
    for (int col = 0; col <= half_width; ++col) {
      const int radius = SpectrumLayout::radius(row, col, height, width);
      if (radius < 1 || radius > num_bins()) {
        continue;
      }
      // Column 0 and, for even W, column W/2 hold their own mirror images; the rest stand in
      // for the conjugate coefficient in column W − col too.
      const bool self_mirrored = col == 0 || (width % 2 == 0 && col == half_width);
      entries.push_back({radius, row * width + col, !self_mirrored});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.radius < b.radius; });
  source_.reserve(entries.size());
  scale_.reserve(entries.size());
  bin_offsets_.assign(num_bins() + 1, 0);
  bin_weight_.assign(num_bins(), 0.0);
  for (const Entry& e : entries) {
    source_.push_back(e.source);
    scale_.push_back(e.mirrored ? std::sqrt(2.0f) : 1.0f);
    bin_offsets_[e.radius] += 1;  // counts; turned into offsets below
    bin_weight_[e.radius - 1] += e.mirrored ? 2.0 : 1.0;
  }
  std::partial_sum(bin_offsets_.begin(), bin_offsets_.end(), bin_offsets_.begin());
}

std::vector<float> SpectrumLayout::pack(const cv::Mat& complex_dft) const {
  if (complex_dft.type() != CV_32FC2 || complex_dft.rows != height_ || complex_dft.cols != width_ ||
      !complex_dft.isContinuous()) {
    throw Error("spectrum: the DFT to pack must be a continuous " + std::to_string(height_) + "×" +
                std::to_string(width_) + " CV_32FC2 matrix");
  }
  const auto* dft = reinterpret_cast<const float*>(complex_dft.data);
  std::vector<float> packed(2 * source_.size());
  for (size_t i = 0; i < source_.size(); ++i) {
    packed[2 * i] = dft[2 * source_[i]] * scale_[i];
    packed[2 * i + 1] = dft[2 * source_[i] + 1] * scale_[i];
  }
  return packed;
}

std::vector<float> SpectrumLayout::packed_spectrum(const cv::Mat& plane) const {
  if (plane.type() != CV_32F || plane.rows != height_ || plane.cols != width_) {
    throw Error("spectrum: the plane must be " + std::to_string(height_) + "×" +
                std::to_string(width_) + " CV_32F");
  }
  cv::Mat dft;
  cv::dft(plane, dft, cv::DFT_COMPLEX_OUTPUT);
  return pack(dft);
}

std::vector<double> SpectrumLayout::radial_average(const std::vector<float>& packed) const {
  std::vector<double> power(num_bins(), 0.0);
  const double pixels = static_cast<double>(height_) * width_;
  for (int bin = 0; bin < num_bins(); ++bin) {
    const double energy = dot(packed, packed, bin_offsets_[bin], bin_offsets_[bin + 1]);
    // Power spectrum normalised by H·W, so white noise of variance v averages to v.
    power[bin] = bin_weight_[bin] > 0.0 ? energy / (bin_weight_[bin] * pixels) : 0.0;
  }
  return power;
}

double SpectrumLayout::dot(const std::vector<float>& a, const std::vector<float>& b,
                           int begin_entry, int end_entry) {
  const float* pa = a.data() + 2 * begin_entry;
  const float* pb = b.data() + 2 * begin_entry;
  const int n = 2 * (end_entry - begin_entry);
  // Float partial sums over short runs, summed in double: fast and accurate enough for a ratio.
  double total = 0.0;
  constexpr int kChunk = 256;
  for (int start = 0; start < n; start += kChunk) {
    const int stop = std::min(n, start + kChunk);
    float partial = 0.0f;
    for (int i = start; i < stop; ++i) {
      partial += pa[i] * pb[i];
    }
    total += partial;
  }
  return total;
}

}  // namespace emergence
