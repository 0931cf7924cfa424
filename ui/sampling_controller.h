#pragma once

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

#include "sampling_worker.h"

namespace emergence::ui {

// Owns the sampling thread and its worker (Tiled's ProjectModel pattern). Starting a run while
// one is in flight cancels the old one (Qt's Mandelbrot restart, with atomics); frames of a
// superseded run are dropped. Signals arrive on the GUI thread.
class SamplingController : public QObject {
  Q_OBJECT

 public:
  explicit SamplingController(QObject* parent = nullptr);
  // Cancels the run in flight and waits for the thread: closing mid-run is clean.
  ~SamplingController() override;

  void setAnalysisFactory(AnalysisFactory factory);
  // A model folder or a single .safetensors checkpoint, on a device ("cpu", "cuda:0", …).
  // prediction: "auto" (the scheduler's, or the probe's for a single file), "epsilon" or "v".
  void loadModel(const QString& path, const QString& device = QStringLiteral("cpu"),
                 const QString& prediction = QStringLiteral("auto"));
  // A TAESD file or folder for the loaded model's x̂0 previews.
  void setPreviewDecoder(const QString& path);
  // start_picture: the run's start image, when its params name one.
  void start(const emergence::GenerationParams& params, const QImage& start_picture = {});
  // Takes effect before the next model call.
  void stop();
  // The VAE decode of frame `frame` of the latest run (a latent model's), after its run ends.
  void decodeStep(int frame);
  bool isRunning() const { return running_; }
  bool isLoading() const { return pending_loads_ > 0; }

 Q_SIGNALS:
  void modelLoaded(emergence::ui::ModelInfoPtr info, qint64 load_ms);
  void modelFailed(const QString& path, const QString& message);
  void previewDecoderChanged(const QString& decoder);
  void previewDecoderFailed(const QString& path, const QString& message);
  void frameArrived(emergence::ui::FramePtr frame);
  void runFinished(bool cancelled);
  void runFailed(const QString& message);
  void runNotice(const QString& message);
  // Frames of the latest run, decoded by the VAE: its final image, or a step asked for.
  void stepDecoded(int frame, const QImage& image, const QString& decoder);
  void decodeFailed(int frame, const QString& message);

 private:
  QThread thread_;
  SamplingWorker* worker_;
  quint64 current_run_ = 0;
  std::shared_ptr<std::atomic<bool>> current_cancel_;
  bool running_ = false;
  int pending_loads_ = 0;
};

}  // namespace emergence::ui
