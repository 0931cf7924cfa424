#include "spectrum.h"

#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/media/spectrum_layout.h"

namespace emergence {

std::vector<double> plane_weights(int channels, int channel) {
  if (channels < 1) {
    throw Error("spectrum: an image needs at least one channel (got " + std::to_string(channels) +
                ")");
  }
  if (channel != kLuminance) {
    if (channel < 0 || channel >= channels) {
      std::ostringstream m;
      m << "spectrum: channel must be -1 (luminance) or in [0, " << channels - 1 << "] (got "
        << channel << ")";
      throw Error(m.str());
    }
    std::vector<double> w(channels, 0.0);
    w[channel] = 1.0;
    return w;
  }
  std::vector<double> w(channels, 0.0);
  if (channels >= 3) {
    // ITU-R BT.601 luma, the weights OpenCV's RGB2GRAY and PIL's "L" use.
    w[0] = 0.299;
    w[1] = 0.587;
    w[2] = 0.114;
  } else {
    for (double& v : w) {
      v = 1.0 / channels;
    }
  }
  return w;
}

double noise_gain(int channels, int channel) {
  double gain = 0.0;
  for (double w : plane_weights(channels, channel)) {
    gain += w * w;
  }
  return gain;
}

cv::Mat spectrum_plane(const float* chw, int channels, int height, int width, int channel) {
  const std::vector<double> weights = plane_weights(channels, channel);
  cv::Mat plane(height, width, CV_32F, cv::Scalar(0.0f));
  const size_t pixels = static_cast<size_t>(height) * width;
  auto* out = reinterpret_cast<float*>(plane.data);
  for (int c = 0; c < channels; ++c) {
    if (weights[c] == 0.0) {
      continue;
    }
    const float w = static_cast<float>(weights[c]);
    const float* in = chw + c * pixels;
    for (size_t i = 0; i < pixels; ++i) {
      out[i] += w * in[i];
    }
  }
  return plane;
}

std::vector<double> rapsd(const cv::Mat& plane) {
  const SpectrumLayout layout(plane.rows, plane.cols);
  return layout.radial_average(layout.packed_spectrum(plane));
}

std::vector<SpectralBand> log_spaced_bands(int size, int max_bands) {
  const int top = size / 2;
  if (top < 1 || max_bands < 1) {
    std::ostringstream m;
    m << "spectrum: bands need an image of at least 2 pixels and at least one band (got size "
      << size << ", " << max_bands << " bands)";
    throw Error(m.str());
  }
  for (int count = max_bands; count >= 1; --count) {
    // Edges (top+1)^(k/K), rounded to radii; the band count drops until every band has a radius.
    std::vector<int> edges(count + 1);
    bool distinct = true;
    for (int k = 0; k <= count; ++k) {
      edges[k] = static_cast<int>(std::lround(std::pow(top + 1.0, static_cast<double>(k) / count)));
      distinct = distinct && (k == 0 || edges[k] > edges[k - 1]);
    }
    if (!distinct) {
      continue;
    }
    std::vector<SpectralBand> bands(count);
    for (int k = 0; k < count; ++k) {
      bands[k].first_radius = edges[k];
      bands[k].last_radius = edges[k + 1] - 1;
      bands[k].low_frequency = (edges[k] - 0.5) / size;
      bands[k].high_frequency = (edges[k + 1] - 0.5) / size;
    }
    return bands;
  }
  throw Error("spectrum: no band layout fits size " + std::to_string(size));
}

cv::Mat band_filter(const cv::Mat& plane, const SpectralBand& band) {
  if (plane.type() != CV_32F || plane.empty()) {
    throw Error("spectrum: band_filter needs a non-empty CV_32F plane");
  }
  cv::Mat dft;
  cv::dft(plane, dft, cv::DFT_COMPLEX_OUTPUT);
  for (int row = 0; row < dft.rows; ++row) {
    auto* line = dft.ptr<cv::Vec2f>(row);
    for (int col = 0; col < dft.cols; ++col) {
      const int r = SpectrumLayout::radius(row, col, dft.rows, dft.cols);
      if (r < band.first_radius || r > band.last_radius) {
        line[col] = cv::Vec2f(0.0f, 0.0f);
      }
    }
  }
  cv::Mat filtered;
  cv::idft(dft, filtered, cv::DFT_SCALE | cv::DFT_REAL_OUTPUT);
  return filtered;
}

double band_correlation(const cv::Mat& a, const cv::Mat& b, const SpectralBand& band) {
  const cv::Mat fa = band_filter(a, band);
  const cv::Mat fb = band_filter(b, band);
  const double aa = fa.dot(fa);
  const double bb = fb.dot(fb);
  // A band holding only float rounding residue counts as empty, not as correlated noise.
  if (aa <= kEmptyBand * a.dot(a) || bb <= kEmptyBand * b.dot(b)) {
    return 0.0;
  }
  return fa.dot(fb) / std::sqrt(aa * bb);
}

double loglog_slope(const std::vector<double>& rapsd, int size, int first_radius, int last_radius) {
  double sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0;
  int n = 0;
  for (int r = std::max(first_radius, 1); r <= last_radius && r <= static_cast<int>(rapsd.size());
       ++r) {
    if (rapsd[r - 1] <= 0.0) {
      continue;
    }
    const double x = std::log(static_cast<double>(r) / size);
    const double y = std::log(rapsd[r - 1]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    ++n;
  }
  const double denominator = n * sxx - sx * sx;
  if (n < 2 || denominator <= 0.0) {
    throw Error("spectrum: a slope needs at least two bins with positive power");
  }
  return (n * sxy - sx * sy) / denominator;
}

double cutoff_frequency(const std::vector<float>& data_rapsd, int size, double noise_floor) {
  if (!(noise_floor > 0.0)) {
    return 0.5;
  }
  const double log_floor = std::log(noise_floor);
  for (size_t k = 0; k < data_rapsd.size(); ++k) {
    if (data_rapsd[k] >= noise_floor) {
      continue;
    }
    if (k == 0) {
      return 0.0;
    }
    const double f0 = std::log(static_cast<double>(k) / size);
    const double f1 = std::log(static_cast<double>(k + 1) / size);
    const double p0 = std::log(static_cast<double>(data_rapsd[k - 1]));
    if (data_rapsd[k] <= 0.0f) {
      return std::exp(f0);
    }
    const double p1 = std::log(static_cast<double>(data_rapsd[k]));
    // Straight line between the two bins in log-log, where it crosses the floor.
    const double t = (p0 - log_floor) / (p0 - p1);
    return std::exp(f0 + t * (f1 - f0));
  }
  return 0.5;
}

int emergence_step(const std::vector<float>& lockin_per_step, double threshold) {
  // Compared in float, the precision lock-in is stored in, so a stored 0.9f meets 0.9.
  const float bar = static_cast<float>(threshold);
  int first = static_cast<int>(lockin_per_step.size());
  while (first > 0 && lockin_per_step[first - 1] >= bar) {
    --first;
  }
  return first < static_cast<int>(lockin_per_step.size()) ? first : -1;
}

}  // namespace emergence
