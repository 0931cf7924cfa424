#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/media/spectrum.h"
#include "core/media/spectrum_snapshot.h"
#include "core/sampling_loop.h"

namespace emergence {

class SpectrumLayout;

struct SpectralTrackOptions {
  int channel = kLuminance;  // plane analysed: luminance (Rec.601) or one channel
  int max_bands = 8;
  double lockin_threshold = 0.9;
};

// Records a run in frequency space: per frame the RAPSD of x_t (in x̂0 units) and of x̂0, the noise
// floor, and per band how far x̂0 has settled ("lock-in") towards the latest x̂0 (the final image
// once the last frame is in). Only batch item 0 is analysed.
//
// on_frame runs on the sampling thread and costs two FFTs of one plane plus one dot product per
// recorded frame (each x̂0 is transformed once and kept as a packed spectrum, ≈0.8·H·W floats);
// snapshot() may be called from any thread. A frame with index 0 starts a new run.
class SpectralTrack : public SamplingObserver {
 public:
  explicit SpectralTrack(SpectralTrackOptions options = {});
  ~SpectralTrack() override;

  void on_frame(const StepFrame& frame) override;
  // The state after the latest frame; null before the first one. Immutable, safe to keep.
  std::shared_ptr<const SpectralSnapshot> snapshot() const;

 private:
  void start_run(int channels, int height, int width, int total_calls);
  void publish(bool complete);

  SpectralTrackOptions options_;
  int channels_ = 0;
  int total_calls_ = 0;
  std::unique_ptr<SpectrumLayout> layout_;
  std::vector<SpectralBand> bands_;
  std::vector<int> band_begin_;  // packed entry range of each band: [begin, end)
  std::vector<int> band_end_;
  std::vector<std::vector<float>> spectra_;       // packed x̂0 spectrum per frame
  std::vector<std::vector<double>> band_energy_;  // per frame, per band: Σ|X|²
  std::vector<std::shared_ptr<const SpectralStep>> steps_;

  mutable std::mutex mutex_;
  std::shared_ptr<const SpectralSnapshot> latest_;
};

}  // namespace emergence
