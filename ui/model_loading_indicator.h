#pragma once

#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QTimer;

namespace emergence::ui {

// Shown while a model loads (an SD 1.5 checkpoint takes up to a minute on a small machine): a
// busy bar, the model's name and the seconds so far. The window stays usable meanwhile.
class ModelLoadingIndicator : public QWidget {
  Q_OBJECT

 public:
  explicit ModelLoadingIndicator(QWidget* parent = nullptr);

  // A load of `name` began (a newer one replaces the text; the clock keeps running).
  void start(const QString& name);
  void stop();
  bool isActive() const { return active_; }
  QString text() const;

 private:
  void tick();

  QProgressBar* bar_;
  QLabel* label_;
  QTimer* timer_;
  QElapsedTimer clock_;
  QString name_;
  bool active_ = false;
};

}  // namespace emergence::ui
