#include "spectrum_link.h"

#include <mutex>

#include "core/media/spectral_track.h"
#include "spectrum_panel.h"

namespace emergence::ui {

// The track of the newest run, written on the sampling thread and read on the GUI thread.
struct SpectrumLink::CurrentTrack {
  std::mutex mutex;
  std::shared_ptr<SpectralTrack> track;
};

SpectrumLink::SpectrumLink(SpectrumPanel* panel, QObject* parent)
    : QObject(parent), current_(std::make_shared<CurrentTrack>()), panel_(panel) {}

SpectrumLink::~SpectrumLink() = default;

AnalysisFactory SpectrumLink::factory() const {
  return [current = current_] {
    auto track = std::make_shared<SpectralTrack>();
    std::lock_guard<std::mutex> lock(current->mutex);
    current->track = track;
    return std::vector<std::shared_ptr<SamplingObserver>>{track};
  };
}

void SpectrumLink::clear() {
  {
    std::lock_guard<std::mutex> lock(current_->mutex);
    current_->track.reset();
  }
  shown_.reset();
  panel_->setSnapshot(nullptr);
}

void SpectrumLink::show(std::shared_ptr<const SpectralSnapshot> snapshot) {
  clear();
  shown_ = std::move(snapshot);
  panel_->setSnapshot(shown_);
}

void SpectrumLink::refresh() {
  std::shared_ptr<SpectralTrack> track;
  {
    std::lock_guard<std::mutex> lock(current_->mutex);
    track = current_->track;
  }
  auto snapshot = track ? track->snapshot() : nullptr;
  if (snapshot && snapshot != shown_) {
    shown_ = snapshot;
    panel_->setSnapshot(shown_);
  }
}

}  // namespace emergence::ui
