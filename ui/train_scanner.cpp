#include "train_scanner.h"

#include <QMetaObject>

namespace emergence::ui {

// Lives on the scanner's thread; its functors run there one after another.
class TrainScanner::Worker : public QObject {};

TrainScanner::TrainScanner(QObject* parent) : QObject(parent), worker_(new Worker) {
  qRegisterMetaType<TrainDataSummary>();
  thread_.setObjectName(QStringLiteral("TrainScanner"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start(QThread::LowPriority);
}

TrainScanner::~TrainScanner() {
  latest_.store(-1);  // what is queued returns at once
  thread_.quit();
  thread_.wait();
}

int TrainScanner::scan(const QString& folder, int resolution, bool subfolder_classes) {
  const int id = ++latest_;
  ++pending_;
  QMetaObject::invokeMethod(worker_, [this, id, folder, resolution, subfolder_classes] {
    if (latest_.load() == id) {
      const TrainDataSummary summary = scan_training_folder(folder, resolution, subfolder_classes);
      Q_EMIT scanned(id, summary);
    }
    --pending_;
  });
  return id;
}

int TrainScanner::estimate(std::shared_ptr<const ImageFolder> data,
                           const QList<TrainPreset>& presets) {
  const int id = ++latest_;
  ++pending_;
  QMetaObject::invokeMethod(worker_, [this, id, data, presets] {
    for (int i = 0; i < presets.size() && latest_.load() == id; ++i) {
      QString error;
      const double seconds = seconds_per_step(*data, presets[i].batch, presets[i].channels, &error);
      Q_EMIT estimated(id, i, seconds, error);
    }
    --pending_;
  });
  return id;
}

}  // namespace emergence::ui
