#include "sampling_worker.h"

#include <QElapsedTimer>
#include <QThread>
#include <map>

#include "core/decoded_preview_observer.h"
#include "core/display_image.h"
#include "core/generation.h"
#include "core/preview_observer.h"
#include "core/sd/model_loading.h"
#include "core/sd/preview_decoder.h"
#include "core/thread_chooser.h"
#include "core/trajectory.h"
#include "frame_images.h"

namespace emergence::ui {

// The latest run's x̂0 latents by frame (first batch item, [1,C,h,w]: 64 KB a step at 512²).
struct SamplingWorker::KeptLatents {
  quint64 run_id = 0;
  std::map<int, torch::Tensor> x0;
};

namespace {

// Feeds each frame to the run's analysis observers, then sends its display copy to the GUI.
class FrameForwarder : public SamplingObserver {
 public:
  FrameForwarder(std::vector<std::shared_ptr<SamplingObserver>> analysis,
                 std::function<void(FramePtr)> send, std::atomic<bool>& cancel)
      : analysis_(std::move(analysis)), send_(std::move(send)), cancel_(cancel) {}

  void on_frame(const StepFrame& frame) override {
    // Closing the window mid-run interrupts the thread; stop at the next step.
    if (QThread::currentThread()->isInterruptionRequested()) {
      cancel_.store(true);
    }
    for (const auto& observer : analysis_) {
      observer->on_frame(frame);
    }
    send_(make_trajectory_frame(frame));
  }

 private:
  std::vector<std::shared_ptr<SamplingObserver>> analysis_;
  std::function<void(FramePtr)> send_;
  std::atomic<bool>& cancel_;
};

// Keeps each frame's x̂0 latent for Decode This Step, then hands the frame on.
class LatentKeeper : public SamplingObserver {
 public:
  LatentKeeper(std::map<int, torch::Tensor>& kept, SamplingObserver* next)
      : kept_(kept), next_(next) {}

  void on_frame(const StepFrame& frame) override {
    kept_[frame.index] = frame.x0.slice(0, 0, 1).clone();
    next_->on_frame(frame);
  }

 private:
  std::map<int, torch::Tensor>& kept_;
  SamplingObserver* next_;
};

QImage decoded_image(DiffusionModel& model, const torch::Tensor& latent) {
  return qimage_from_image8(to_image8(model.decode(latent), DisplayMapping::Image));
}

}  // namespace

SamplingWorker::SamplingWorker() : kept_(std::make_unique<KeptLatents>()) {}

SamplingWorker::~SamplingWorker() = default;

void SamplingWorker::setAnalysisFactory(AnalysisFactory factory) {
  std::lock_guard<std::mutex> lock(factory_mutex_);
  factory_ = std::move(factory);
}

void SamplingWorker::loadModel(const QString& path, const QString& device,
                               const QString& prediction) {
  QElapsedTimer clock;
  clock.start();
  try {
    LoadOptions options;
    options.device = device.toStdString();
    options.prediction = parse_prediction_choice(prediction.toStdString());
    std::shared_ptr<DiffusionModel> model = open_model(path.toStdString(), options);
    auto info = std::make_shared<const ModelInfo>(model->info());
    model_ = std::move(model);
    kept_ = std::make_unique<KeptLatents>();
    threads_ = std::make_unique<ThreadChooser>(ThreadChooser::for_this_process());
    Q_EMIT modelLoaded(info, clock.elapsed());
    Q_EMIT previewDecoderChanged(QString::fromStdString(model_->preview_decoder()));
  } catch (const std::exception& e) {
    // The previous model stays loaded, so the app keeps working.
    Q_EMIT modelFailed(path, QString::fromStdString(e.what()));
  }
}

void SamplingWorker::setPreviewDecoder(const QString& path) {
  if (!model_) {
    return;
  }
  try {
    attach_preview_decoder(*model_, path.toStdString());
    Q_EMIT previewDecoderChanged(QString::fromStdString(model_->preview_decoder()));
  } catch (const std::exception& e) {
    Q_EMIT previewDecoderFailed(path, QString::fromStdString(e.what()));
  }
}

void SamplingWorker::run(quint64 run_id, const GenerationParams& params,
                         const QImage& start_picture,
                         const std::shared_ptr<std::atomic<bool>>& cancel) {
  if (cancel->load()) {
    Q_EMIT runFinished(run_id, true);
    return;
  }
  if (!model_) {
    Q_EMIT runFailed(run_id, tr("No model is loaded: open a model (Ctrl+O)."));
    return;
  }
  try {
    AnalysisFactory factory;
    {
      std::lock_guard<std::mutex> lock(factory_mutex_);
      factory = factory_;
    }
    FrameForwarder forwarder(
        factory ? factory(*model_) : std::vector<std::shared_ptr<SamplingObserver>>{},
        [this, run_id](FramePtr frame) { Q_EMIT frameReady(run_id, std::move(frame)); }, *cancel);
    // A latent model's frames: x̂0 latents kept, the preview decoder every few steps, then
    // latent→RGB previews for the views, the analysis and the display copy.
    const bool latent = model_->info().latent_scale > 1;
    PreviewObserver previews(*model_, &forwarder);
    DecodedPreviewObserver decoded(*model_, &previews);
    kept_->run_id = run_id;
    kept_->x0.clear();
    LatentKeeper keeper(kept_->x0, &decoded);
    GenerationRequest request;
    request.params = params;
    request.observer = latent ? static_cast<SamplingObserver*>(&keeper) : &forwarder;
    request.cancel = cancel.get();
    request.threads = threads_.get();
    if (!start_picture.isNull()) {
      const int channels = model_->info().channels == 1 ? 1 : 3;
      request.init_image = from_image8(image8_from_qimage(start_picture, channels)).unsqueeze(0);
    }
    for (const std::string& notice : model_->notices(params)) {
      Q_EMIT runNotice(run_id, QString::fromStdString(notice));
    }
    const SamplingResult result = generate(*model_, request);
    const bool cancelled = result.outcome == SamplingOutcome::Cancelled;
    // A stop after the last step still skips the decode (it takes seconds at 512²).
    if (latent && !cancelled && !cancel->load() && !kept_->x0.empty()) {
      Q_EMIT stepDecoded(run_id, kept_->x0.rbegin()->first, decoded_image(*model_, result.latent),
                         QStringLiteral("VAE"));
    }
    Q_EMIT runFinished(run_id, cancelled);
  } catch (const std::exception& e) {
    // Frames already sent stay valid; the GUI keeps them.
    Q_EMIT runFailed(run_id, QString::fromStdString(e.what()));
  }
}

void SamplingWorker::decodeStep(quint64 run_id, int frame) {
  const auto kept = kept_->x0.find(frame);
  if (!model_ || kept_->run_id != run_id || kept == kept_->x0.end()) {
    Q_EMIT decodeFailed(run_id, frame,
                        tr("step %1 of this run is no longer held (only the latest run's steps "
                           "can be decoded)")
                            .arg(frame));
    return;
  }
  try {
    Q_EMIT stepDecoded(run_id, frame, decoded_image(*model_, kept->second), QStringLiteral("VAE"));
  } catch (const std::exception& e) {
    Q_EMIT decodeFailed(run_id, frame, QString::fromStdString(e.what()));
  }
}

}  // namespace emergence::ui
