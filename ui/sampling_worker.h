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
// Makes the analysis observers of one run (e.g. a spectrum track). Called on the worker thread
// as each run starts; the observers see every raw frame on that thread, before the display copy.
using AnalysisFactory = std::function<std::vector<std::shared_ptr<emergence::SamplingObserver>>()>;

// Lives on the sampling thread: loads models and runs them. Each step leaves as an immutable
// display snapshot through a queued signal; nothing the GUI holds points into sampler buffers.
class SamplingWorker : public QObject {
  Q_OBJECT

 public:
  SamplingWorker();
  ~SamplingWorker() override;

  // Thread-safe: takes effect from the next run.
  void setAnalysisFactory(AnalysisFactory factory);

  // These run on the worker's thread (the controller queues them).
  void loadModel(const QString& folder);
  // A run whose cancel flag is already set when it is reached is dropped without sampling, so
  // a burst of restarts costs one run, not one per request.
  // start_picture: the start image when params.init_image_hash names one (null otherwise).
  void run(quint64 run_id, const emergence::GenerationParams& params, const QImage& start_picture,
           const std::shared_ptr<std::atomic<bool>>& cancel);

 Q_SIGNALS:
  void modelLoaded(emergence::ui::ModelInfoPtr info, qint64 load_ms);
  void modelFailed(const QString& folder, const QString& message);
  void frameReady(quint64 run_id, emergence::ui::FramePtr frame);
  void runFinished(quint64 run_id, bool cancelled);
  void runFailed(quint64 run_id, const QString& message);

 private:
  std::shared_ptr<DiffusionModel> model_;
  // The thread count chosen for this model, kept from run to run (Live makes many short ones).
  std::unique_ptr<ThreadChooser> threads_;
  std::mutex factory_mutex_;
  AnalysisFactory factory_;
};

}  // namespace emergence::ui
