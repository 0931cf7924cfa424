#pragma once

#include <QList>
#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

#include "train_data_scan.h"
#include "train_plan.h"

namespace emergence::ui {

// Reads training folders and times training steps on a thread of its own, so the window never
// waits: requests go in by call, results come back as queued signals tagged with the request's
// id. A newer request makes the older ones' remaining work stop early and their results drop.
class TrainScanner : public QObject {
  Q_OBJECT

 public:
  explicit TrainScanner(QObject* parent = nullptr);
  ~TrainScanner() override;

  // Returns the request's id.
  int scan(const QString& folder, int resolution, bool subfolder_classes);
  // Times each preset's step on the data of a scan, one after another.
  int estimate(std::shared_ptr<const ImageFolder> data, const QList<TrainPreset>& presets);
  // Drops what is queued; a timing ends after the preset in hand (training is about to start).
  void cancel() { ++latest_; }
  bool busy() const { return pending_.load() > 0; }

 Q_SIGNALS:
  void scanned(int id, const emergence::ui::TrainDataSummary& summary);
  // seconds_per_step < 0: the preset does not fit the data (error says why).
  void estimated(int id, int preset, double seconds_per_step, const QString& error);

 private:
  class Worker;
  QThread thread_;
  Worker* worker_;
  std::atomic<int> latest_{0};
  std::atomic<int> pending_{0};
};

}  // namespace emergence::ui

Q_DECLARE_METATYPE(emergence::ui::TrainDataSummary)
