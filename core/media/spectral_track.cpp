#include "spectral_track.h"

#include <cmath>

#include "core/error.h"
#include "core/media/spectrum_layout.h"

namespace emergence {
namespace {

// Item 0 of a [B,C,H,W] frame tensor as a contiguous CPU float [C,H,W].
torch::Tensor first_item(const torch::Tensor& t, const char* name) {
  if (!t.defined() || t.dim() != 4 || t.size(0) < 1) {
    throw Error(std::string("spectral track: frame tensor ") + name +
                " must be a [batch, channels, height, width] tensor");
  }
  return t[0].to(torch::kCPU, torch::kFloat32).contiguous();
}

std::vector<float> to_float(const std::vector<double>& v) {
  return std::vector<float>(v.begin(), v.end());
}

}  // namespace

SpectralTrack::SpectralTrack(SpectralTrackOptions options) : options_(options) {}

SpectralTrack::~SpectralTrack() = default;

void SpectralTrack::start_run(int channels, int height, int width, int total_calls) {
  plane_weights(channels, options_.channel);  // throws on a channel the image lacks
  channels_ = channels;
  total_calls_ = total_calls;
  if (!layout_ || layout_->height() != height || layout_->width() != width) {
    layout_ = std::make_unique<SpectrumLayout>(height, width);
    bands_ = log_spaced_bands(layout_->size(), options_.max_bands);
    band_begin_.clear();
    band_end_.clear();
    for (const SpectralBand& band : bands_) {
      band_begin_.push_back(layout_->bin_offset(band.first_radius - 1));
      band_end_.push_back(layout_->bin_offset(band.last_radius));
    }
  }
  spectra_.clear();
  band_energy_.clear();
  steps_.clear();
}

void SpectralTrack::on_frame(const StepFrame& frame) {
  const torch::Tensor x0 = first_item(frame.x0, "x0");
  const torch::Tensor xt = first_item(frame.x_t, "x_t");
  if (xt.sizes() != x0.sizes()) {
    throw Error("spectral track: frame tensors x_t and x0 differ in shape");
  }
  const int channels = static_cast<int>(x0.size(0));
  const int height = static_cast<int>(x0.size(1));
  const int width = static_cast<int>(x0.size(2));
  if (frame.index == 0 || !layout_ || layout_->height() != height || layout_->width() != width ||
      channels != channels_) {
    start_run(channels, height, width, frame.total);
  }

  auto step = std::make_shared<SpectralStep>();
  step->index = frame.index;
  step->timestep = frame.timestep;
  step->sigma = frame.sigma;
  step->noise_floor = frame.sigma * frame.sigma * noise_gain(channels, options_.channel);

  // x_t is √ᾱ·x0 + √(1−ᾱ)·ε; divided by √ᾱ = 1/√(1+σ²) it is x0 + σε, on x̂0's scale.
  cv::Mat xt_plane =
      spectrum_plane(xt.data_ptr<float>(), channels, height, width, options_.channel);
  xt_plane *= std::sqrt(1.0 + frame.sigma * frame.sigma);
  step->rapsd_xt = to_float(layout_->radial_average(layout_->packed_spectrum(xt_plane)));

  const cv::Mat x0_plane =
      spectrum_plane(x0.data_ptr<float>(), channels, height, width, options_.channel);
  std::vector<float> spectrum = layout_->packed_spectrum(x0_plane);
  step->rapsd_x0 = to_float(layout_->radial_average(spectrum));
  std::vector<double> energy(bands_.size());
  double total_energy = 0.0;
  for (size_t b = 0; b < bands_.size(); ++b) {
    energy[b] = SpectrumLayout::dot(spectrum, spectrum, band_begin_[b], band_end_[b]);
    total_energy += energy[b];
  }
  for (double& e : energy) {
    e = e > kEmptyBand * total_energy ? e : 0.0;  // rounding residue: an empty band
  }
  spectra_.push_back(std::move(spectrum));
  band_energy_.push_back(std::move(energy));
  steps_.push_back(std::move(step));
  publish(frame.index >= frame.total);
}

void SpectralTrack::publish(bool complete) {
  auto snap = std::make_shared<SpectralSnapshot>();
  snap->height = layout_->height();
  snap->width = layout_->width();
  snap->size = layout_->size();
  snap->channel = options_.channel;
  snap->noise_gain = noise_gain(channels_, options_.channel);
  snap->total_calls = total_calls_;
  snap->complete = complete;
  snap->lockin_threshold = options_.lockin_threshold;
  for (int k = 0; k < layout_->num_bins(); ++k) {
    snap->frequencies.push_back(layout_->frequency(k));
  }
  snap->bands = bands_;
  snap->steps = steps_;

  // Lock-in and cutoff are measured against the newest x̂0: the final image once complete.
  const int count = static_cast<int>(steps_.size());
  const int reference = count - 1;
  snap->reference_step = steps_[reference]->index;
  snap->reference_rapsd = steps_[reference]->rapsd_x0;
  const std::vector<float>& ref = spectra_[reference];
  const int num_bands = static_cast<int>(bands_.size());
  snap->lockin.assign(static_cast<size_t>(count) * num_bands, 0.0f);
  for (int i = 0; i < count; ++i) {
    for (int b = 0; b < num_bands; ++b) {
      const double norms = band_energy_[i][b] * band_energy_[reference][b];
      if (norms > 0.0) {
        const double dot = SpectrumLayout::dot(spectra_[i], ref, band_begin_[b], band_end_[b]);
        snap->lockin[static_cast<size_t>(i) * num_bands + b] =
            static_cast<float>(dot / std::sqrt(norms));
      }
    }
    snap->cutoff.push_back(
        cutoff_frequency(snap->reference_rapsd, snap->size, steps_[i]->noise_floor));
  }
  // Mid-run the newest frame is the reference and agrees with itself by definition, so only the
  // frames before it count: a band has settled once they already agree with the newest x̂0.
  const int judged = complete ? count : count - 1;
  for (int b = 0; b < num_bands; ++b) {
    std::vector<float> column(judged);
    for (int i = 0; i < judged; ++i) {
      column[i] = snap->lockin[static_cast<size_t>(i) * num_bands + b];
    }
    snap->emergence.push_back(emergence_step(column, options_.lockin_threshold));
  }

  std::lock_guard<std::mutex> lock(mutex_);
  latest_ = std::move(snap);
}

std::shared_ptr<const SpectralSnapshot> SpectralTrack::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

}  // namespace emergence
