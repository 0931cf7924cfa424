#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace emergence::ui {

// The status bar's view of a run: a progress bar and "Step i of N · it/s · ETA" (in model calls
// when the sampler makes more than one per step), then the run's summary.
class RunProgress : public QWidget {
  Q_OBJECT

 public:
  explicit RunProgress(QWidget* parent = nullptr);

  void begin();
  // Frame `index` of a run of `calls` model calls over `steps` steps arrived.
  void step(int index, int calls, int steps);
  void end(const QString& summary);
  QString text() const;

 private:
  QProgressBar* bar_;
  QLabel* label_;
  QElapsedTimer clock_;
  qint64 first_step_ms_ = -1;
  int first_step_ = 0;
  double rate_ = 0.0;
};

}  // namespace emergence::ui
