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
  void loadModel(const QString& folder);
  // start_picture: the run's start image, when its params name one.
  void start(const emergence::GenerationParams& params, const QImage& start_picture = {});
  // Takes effect before the next model call.
  void stop();
  bool isRunning() const { return running_; }
  bool isLoading() const { return pending_loads_ > 0; }

 Q_SIGNALS:
  void modelLoaded(emergence::ui::ModelInfoPtr info, qint64 load_ms);
  void modelFailed(const QString& folder, const QString& message);
  void frameArrived(emergence::ui::FramePtr frame);
  void runFinished(bool cancelled);
  void runFailed(const QString& message);

 private:
  QThread thread_;
  SamplingWorker* worker_;
  quint64 current_run_ = 0;
  std::shared_ptr<std::atomic<bool>> current_cancel_;
  bool running_ = false;
  int pending_loads_ = 0;
};

}  // namespace emergence::ui
