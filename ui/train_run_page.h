#pragma once

#include <QWidget>

#include "train_plan.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace emergence::ui {

class LossChart;
class TrainSampleGrid;
class TrainingProcess;

// The second page of Train on a Folder: one run in its worker process, watched (step, loss,
// it/s, ETA, the loss chart, sample grids every N steps) and steered (Pause, Resume from the
// checkpoint, Stop = checkpoint and write the model now). When the worker dies the page says
// how, keeps the chart and grid, and offers Resume from the last checkpoint.
class TrainRunPage : public QWidget {
  Q_OBJECT

 public:
  enum class State { Idle, Running, Pausing, Paused, Stopping, Finished, Failed };

  explicit TrainRunPage(QWidget* parent = nullptr);

  // Starts the plan's run (fresh, or from its checkpoint).
  void startRun(const TrainPlan& plan, bool resume);
  void pause();
  void resume();
  void stop();

  State state() const { return state_; }
  const TrainPlan& plan() const { return plan_; }
  TrainingProcess* process() const { return process_; }
  LossChart* lossChart() const { return chart_; }
  TrainSampleGrid* sampleGrid() const { return grid_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* resumeButton() const { return resume_; }
  QPushButton* stopButton() const { return stop_; }
  QPushButton* openButton() const { return open_; }
  QPushButton* newRunButton() const { return new_run_; }
  QString statusText() const;
  QString messageText() const;
  int lastStep() const { return last_step_; }
  // The first step this attempt reported (a resumed run's is its checkpoint's + 1).
  int firstStepOfAttempt() const { return first_step_; }

 Q_SIGNALS:
  void stateChanged(emergence::ui::TrainRunPage::State state);
  void modelFinished(const QString& model_dir);
  void openModelRequested(const QString& model_dir);
  void newRunRequested();

 private:
  void setState(State state, const QString& message = {});
  void onStepped(int step, int steps, double loss, double steps_per_second, double eta_seconds);
  void onPaused(int step);
  void onFinished(const QString& model_dir, int step);
  void onFailed(const QString& message);
  bool hasCheckpoint() const;

  TrainingProcess* process_;
  TrainPlan plan_;
  State state_ = State::Idle;
  QLabel* title_;
  QLabel* status_;
  QProgressBar* bar_;
  QLabel* message_;
  LossChart* chart_;
  TrainSampleGrid* grid_;
  QPushButton* pause_;
  QPushButton* resume_;
  QPushButton* stop_;
  QPushButton* open_;
  QPushButton* new_run_;
  QString model_dir_;
  int last_step_ = 0;
  int first_step_ = -1;
};

}  // namespace emergence::ui
