#include "spectrum_link.h"

#include <torch/nn/functional/upsampling.h>

#include <mutex>

#include "core/diffusion_model.h"
#include "core/media/spectral_track.h"
#include "spectrum_panel.h"

namespace emergence::ui {

// The track of the newest run, written on the sampling thread and read on the GUI thread.
struct SpectrumLink::CurrentTrack {
  std::mutex mutex;
  std::shared_ptr<SpectralTrack> track;
  // What the track measures: a latent model's frames, on the decoded x̂0 previews of `decoder`
  // ("TAESD"), or with none on the latent→RGB ones.
  bool latent = false;
  std::string decoder;
};

namespace {

// Hands the track only the frames that carry a decoded x̂0, as x̂0 at image size; x_t (its
// latent→RGB preview) is scaled up bilinearly to match, for the plot's x_t curve.
class DecodedFramesOnly : public SamplingObserver {
 public:
  explicit DecodedFramesOnly(std::shared_ptr<SpectralTrack> track) : track_(std::move(track)) {}

  void on_frame(const StepFrame& frame) override {
    if (!frame.x0_decoded.defined()) {
      return;
    }
    namespace F = torch::nn::functional;
    StepFrame decoded = frame;
    decoded.x0 = frame.x0_decoded;
    decoded.x_t = F::interpolate(
        frame.x_t,
        F::InterpolateFuncOptions()
            .size(std::vector<int64_t>{frame.x0_decoded.size(2), frame.x0_decoded.size(3)})
            .mode(torch::kBilinear)
            .align_corners(false));
    track_->on_frame(decoded);
  }

 private:
  std::shared_ptr<SpectralTrack> track_;
};

}  // namespace

SpectrumLink::SpectrumLink(SpectrumPanel* panel, QObject* parent)
    : QObject(parent), current_(std::make_shared<CurrentTrack>()), panel_(panel) {}

SpectrumLink::~SpectrumLink() = default;

AnalysisFactory SpectrumLink::factory() const {
  return [current = current_](const DiffusionModel& model) {
    auto track = std::make_shared<SpectralTrack>();
    std::lock_guard<std::mutex> lock(current->mutex);
    current->track = track;
    current->latent = model.info().latent_scale > 1;
    current->decoder = current->latent ? model.preview_decoder() : std::string();
    if (!current->decoder.empty()) {
      return std::vector<std::shared_ptr<SamplingObserver>>{
          std::make_shared<DecodedFramesOnly>(track)};
    }
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
  bool latent = false;
  std::string decoder;
  {
    std::lock_guard<std::mutex> lock(current_->mutex);
    track = current_->track;
    latent = current_->latent;
    decoder = current_->decoder;
  }
  auto snapshot = track ? track->snapshot() : nullptr;
  if (snapshot && snapshot != shown_) {
    shown_ = snapshot;
    panel_->setSource(latent, QString::fromStdString(decoder));
    panel_->setSnapshot(shown_);
  }
}

}  // namespace emergence::ui
