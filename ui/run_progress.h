#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace emergence::ui {

// The status bar's view of a run: a progress bar and "step i/N · it/s · ETA".
class RunProgress : public QWidget {
  Q_OBJECT

 public:
  explicit RunProgress(QWidget* parent = nullptr);

  void begin();
  // A frame of the run arrived: frame `index` of `total` model calls.
  void step(int index, int total);
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
