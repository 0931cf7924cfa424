#pragma once

#include <QWidget>

class QStackedWidget;

namespace emergence::ui {

class TrainRunPage;
class TrainSetupPage;
struct TrainPlan;

// File › Train on a Folder…: the setup page (data preview, settings, output, unfinished runs),
// then the run page while the worker trains. Closing the window hides it; the run goes on. When
// the window is destroyed a run still going is paused at a checkpoint, to resume later.
class TrainWindow : public QWidget {
  Q_OBJECT

 public:
  explicit TrainWindow(QWidget* parent = nullptr);

  // The executable whose `train` command does the work (default: this application).
  void setWorkerProgram(const QString& program);
  TrainSetupPage* setupPage() const { return setup_; }
  TrainRunPage* runPage() const { return run_; }
  void showSetup();

 Q_SIGNALS:
  void modelFinished(const QString& model_dir);
  void openModelRequested(const QString& model_dir);

 private:
  void start(const TrainPlan& plan);
  void resume(const TrainPlan& plan);

  QStackedWidget* pages_;
  TrainSetupPage* setup_;
  TrainRunPage* run_;
};

}  // namespace emergence::ui
