#include "sampling_worker.h"

#include <QElapsedTimer>
#include <QThread>

#include "core/display_image.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/model/unet_diffusion_model.h"
#include "core/sd/stable_diffusion_folder.h"
#include "core/thread_chooser.h"
#include "core/trajectory.h"
#include "frame_images.h"

namespace emergence::ui {
namespace {

// Feeds each raw frame to the run's analysis observers, then sends its display copy to the GUI.
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

}  // namespace

SamplingWorker::SamplingWorker() = default;

SamplingWorker::~SamplingWorker() = default;

void SamplingWorker::setAnalysisFactory(AnalysisFactory factory) {
  std::lock_guard<std::mutex> lock(factory_mutex_);
  factory_ = std::move(factory);
}

void SamplingWorker::loadModel(const QString& folder) {
  QElapsedTimer clock;
  clock.start();
  try {
    const std::string path = folder.toStdString();
    if (is_text_to_image_pipeline(path)) {
      // Other families are refused with their reason; SD 1/2 run from the command line until the
      // window learns latents (the prompt box, previews and decode).
      read_stable_diffusion_folder(path);
      throw Error(path + " is a Stable Diffusion model, which the window does not open yet; " +
                  "run it with: emergence generate --model \"" + path +
                  "\" --prompt \"…\" --out image.png");
    }
    std::shared_ptr<DiffusionModel> model = load_diffusion_model(path);
    auto info = std::make_shared<const ModelInfo>(model->info());
    model_ = std::move(model);
    threads_ = std::make_unique<ThreadChooser>(ThreadChooser::for_this_process());
    Q_EMIT modelLoaded(info, clock.elapsed());
  } catch (const std::exception& e) {
    // The previous model stays loaded, so the app keeps working.
    Q_EMIT modelFailed(folder, QString::fromStdString(e.what()));
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
    Q_EMIT runFailed(run_id, tr("No model is loaded: open a model folder (Ctrl+O)."));
    return;
  }
  try {
    AnalysisFactory factory;
    {
      std::lock_guard<std::mutex> lock(factory_mutex_);
      factory = factory_;
    }
    FrameForwarder forwarder(
        factory ? factory() : std::vector<std::shared_ptr<SamplingObserver>>{},
        [this, run_id](FramePtr frame) { Q_EMIT frameReady(run_id, std::move(frame)); }, *cancel);
    GenerationRequest request;
    request.params = params;
    request.observer = &forwarder;
    request.cancel = cancel.get();
    request.threads = threads_.get();
    if (!start_picture.isNull()) {
      const int channels = model_->info().channels == 1 ? 1 : 3;
      request.init_image = from_image8(image8_from_qimage(start_picture, channels)).unsqueeze(0);
    }
    const SamplingResult result = generate(*model_, request);
    Q_EMIT runFinished(run_id, result.outcome == SamplingOutcome::Cancelled);
  } catch (const std::exception& e) {
    // Frames already sent stay valid; the GUI keeps them.
    Q_EMIT runFailed(run_id, QString::fromStdString(e.what()));
  }
}

}  // namespace emergence::ui
