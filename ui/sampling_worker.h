#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace emergence {
class DiffusionModel;
class SamplingObserver;
class ThreadChooser;
struct GenerationParams;
struct ModelInfo;
struct TrajectoryFrame;
}  // namespace emergence

namespace emergence::ui {

using FramePtr = std::shared_ptr<const emergence::TrajectoryFrame>;
using ModelInfoPtr = std::shared_ptr<const emergence::ModelInfo>;
// Makes the analysis observers of one run of `model` (e.g. a spectrum track). Called on the
// worker thread as each run starts; the observers see every display frame on that thread (a
// latent model's through its previews, with the decoded x̂0 where there is one), before the
// display copy.
using AnalysisFactory = std::function<std::vector<std::shared_ptr<emergence::SamplingObserver>>(
    const emergence::DiffusionModel& model)>;

// Lives on the sampling thread: loads models and runs them. Each step leaves as an immutable
// display snapshot through a queued signal; nothing the GUI holds points into sampler buffers.
// For latent models it keeps the latest run's x̂0 latents (first batch item) to decode any step
// with the VAE on request.
class SamplingWorker : public QObject {
  Q_OBJECT

 public:
  SamplingWorker();
  ~SamplingWorker() override;

  // Thread-safe: takes effect from the next run.
  void setAnalysisFactory(AnalysisFactory factory);

  // These run on the worker's thread (the controller queues them).
  // path: a model folder or a single .safetensors checkpoint (open_model); device: "cpu",
  // "cuda:0", … (available_devices()).
  // prediction: "auto", "epsilon" or "v" (LoadOptions::prediction, Stable Diffusion only).
  void loadModel(const QString& path, const QString& device, const QString& prediction);
  // A TAESD file or folder for the loaded latent model's x̂0 previews.
  void setPreviewDecoder(const QString& path);
  // A run whose cancel flag is already set when it is reached is dropped without sampling, so
  // a burst of restarts costs one run, not one per request. A latent model's completed run
  // ends with the VAE decode of its final latent (stepDecoded); a cancelled one skips it.
  // start_picture: the start image when params.init_image_hash names one (null otherwise).
  void run(quint64 run_id, const emergence::GenerationParams& params, const QImage& start_picture,
           const std::shared_ptr<std::atomic<bool>>& cancel);
  // The VAE decode of frame `frame`'s x̂0 of run run_id (the latest run of a latent model).
  void decodeStep(quint64 run_id, int frame);

 Q_SIGNALS:
  void modelLoaded(emergence::ui::ModelInfoPtr info, qint64 load_ms);
  void modelFailed(const QString& path, const QString& message);
  // The x̂0 preview decoder of the loaded model ("TAESD"), empty when it has none.
  void previewDecoderChanged(const QString& decoder);
  void previewDecoderFailed(const QString& path, const QString& message);
  void frameReady(quint64 run_id, emergence::ui::FramePtr frame);
  void runFinished(quint64 run_id, bool cancelled);
  void runFailed(quint64 run_id, const QString& message);
  // What the user should know about a run's parameters as it starts (a prompt cut short).
  void runNotice(quint64 run_id, const QString& message);
  // A full decode of a step's x̂0 (the final image, or one asked for), as an immutable image.
  void stepDecoded(quint64 run_id, int frame, const QImage& image, const QString& decoder);
  void decodeFailed(quint64 run_id, int frame, const QString& message);

 private:
  struct KeptLatents;
  std::shared_ptr<DiffusionModel> model_;
  // The thread count chosen for this model, kept from run to run (Live makes many short ones).
  std::unique_ptr<ThreadChooser> threads_;
  std::unique_ptr<KeptLatents> kept_;
  std::mutex factory_mutex_;
  AnalysisFactory factory_;
};

}  // namespace emergence::ui
