#include "train_run_page.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include "loss_chart.h"
#include "train_data_scan.h"
#include "train_sample_grid.h"
#include "training_process.h"

namespace emergence::ui {

TrainRunPage::TrainRunPage(QWidget* parent)
    : QWidget(parent),
      process_(new TrainingProcess(this)),
      title_(new QLabel(this)),
      status_(new QLabel(this)),
      bar_(new QProgressBar(this)),
      message_(new QLabel(this)),
      chart_(new LossChart(this)),
      grid_(new TrainSampleGrid(this)),
      pause_(new QPushButton(tr("Pause"), this)),
      resume_(new QPushButton(tr("Resume"), this)),
      stop_(new QPushButton(tr("Stop && Save Model"), this)),
      open_(new QPushButton(tr("Open Model"), this)),
      new_run_(new QPushButton(tr("New Run…"), this)) {
  title_->setObjectName(QStringLiteral("runTitle"));
  QFont title_font = title_->font();
  title_font.setBold(true);
  title_->setFont(title_font);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setObjectName(QStringLiteral("runStatus"));
  message_->setObjectName(QStringLiteral("runMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  bar_->setTextVisible(false);
  bar_->setMaximumHeight(10);
  pause_->setToolTip(tr("Checkpoint now and stop; Resume goes on from here, also after a restart"));
  stop_->setToolTip(tr("Checkpoint now and write the model folder with what it has learnt"));
  open_->setObjectName(QStringLiteral("openTrainedModel"));

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addWidget(status_);
  layout->addWidget(bar_);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->addWidget(chart_);
  splitter->addWidget(grid_);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);
  layout->addWidget(message_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(new_run_);
  buttons->addStretch(1);
  for (QPushButton* b : {pause_, resume_, stop_, open_}) {
    buttons->addWidget(b);
  }
  layout->addLayout(buttons);

  connect(pause_, &QPushButton::clicked, this, &TrainRunPage::pause);
  connect(resume_, &QPushButton::clicked, this, &TrainRunPage::resume);
  connect(stop_, &QPushButton::clicked, this, &TrainRunPage::stop);
  connect(open_, &QPushButton::clicked, this, [this] { Q_EMIT openModelRequested(model_dir_); });
  connect(new_run_, &QPushButton::clicked, this, &TrainRunPage::newRunRequested);
  connect(process_, &TrainingProcess::stepped, this, &TrainRunPage::onStepped);
  connect(process_, &TrainingProcess::samplesWritten, grid_,
          [this](int step, const QString& png) { grid_->showGrid(png, step); });
  connect(process_, &TrainingProcess::paused, this, &TrainRunPage::onPaused);
  connect(process_, &TrainingProcess::finished, this, &TrainRunPage::onFinished);
  connect(process_, &TrainingProcess::failed, this, &TrainRunPage::onFailed);
  setState(State::Idle);
}

void TrainRunPage::startRun(const TrainPlan& plan, bool resume) {
  if (process_->isRunning()) {
    return;
  }
  const bool same_run = plan_.workDir() == plan.workDir();
  plan_ = plan;
  title_->setText(
      tr("%1  →  %2")
          .arg(QDir::toNativeSeparators(plan.data_dir), QDir::toNativeSeparators(plan.out_dir)));
  chart_->setTotalSteps(plan.steps);
  bar_->setRange(0, plan.steps);
  if (resume && !same_run) {
    // Another session's run: its chart and last grid come from the work folder.
    const QVector<QPointF> log = read_loss_log(plan.workDir());
    chart_->setPoints(read_loss_log(plan.workDir(), std::max(1, int(log.size() / 2000) + 1)));
    grid_->showLatest(QDir(plan.workDir()).filePath(QStringLiteral("samples")));
    last_step_ = log.isEmpty() ? 0 : static_cast<int>(log.last().x());
    bar_->setValue(last_step_);
  } else if (!resume) {
    chart_->clear();
    last_step_ = 0;
    bar_->setValue(0);
  }
  save_plan(plan);
  remember_unfinished(plan.workDir());
  first_step_ = -1;
  status_->setText(resume ? tr("Resuming from the checkpoint…") : tr("Loading the images…"));
  setState(State::Running);
  process_->start(plan.arguments(resume));
}

void TrainRunPage::pause() {
  if (state_ == State::Running) {
    process_->pause();
    setState(State::Pausing, tr("Pausing after this step…"));
  }
}

void TrainRunPage::resume() {
  if (state_ == State::Paused || state_ == State::Failed) {
    startRun(plan_, true);
  }
}

void TrainRunPage::stop() {
  if (state_ == State::Running || state_ == State::Pausing) {
    process_->stop();
    setState(State::Stopping, tr("Saving the model as it is now…"));
  } else if (state_ == State::Paused && hasCheckpoint()) {
    // Resume only to write the model: with steps at the checkpoint's the worker exports at once.
    TrainPlan now = plan_;
    now.steps = std::max(1, last_step_);
    startRun(now, true);
    setState(State::Stopping, tr("Saving the model as it is now…"));
  }
}

void TrainRunPage::onStepped(int step, int steps, double loss, double steps_per_second,
                             double eta_seconds) {
  if (first_step_ < 0) {
    first_step_ = step;
  }
  last_step_ = step;
  bar_->setRange(0, steps);
  bar_->setValue(step);
  chart_->setTotalSteps(steps);
  chart_->addPoint(step, loss);
  status_->setText(tr("Step %1 of %2  ·  loss %3  ·  %4 it/s  ·  %5 left")
                       .arg(step)
                       .arg(steps)
                       .arg(loss, 0, 'f', 4)
                       .arg(steps_per_second, 0, 'f', 2)
                       .arg(approximate_duration(eta_seconds)));
}

void TrainRunPage::onPaused(int step) {
  last_step_ = step;
  setState(State::Paused,
           tr("Paused at step %1. Resume goes on from this checkpoint, also after the app "
              "restarts.")
               .arg(step));
}

void TrainRunPage::onFinished(const QString& model_dir, int step) {
  model_dir_ = model_dir;
  last_step_ = step;
  forget_unfinished(plan_.workDir());
  grid_->showLatest(QDir(plan_.workDir()).filePath(QStringLiteral("samples")));
  setState(State::Finished, tr("Done: the model (step %1) is in %2. It is listed with the recent "
                               "models.")
                                .arg(step)
                                .arg(QDir::toNativeSeparators(model_dir)));
  Q_EMIT modelFinished(model_dir);
}

void TrainRunPage::onFailed(const QString& message) {
  const QString how = hasCheckpoint() ? tr(" Resume goes on from the last checkpoint.") : QString();
  setState(State::Failed, tr("Training stopped: %1%2").arg(message, how));
}

bool TrainRunPage::hasCheckpoint() const {
  return QFileInfo::exists(QDir(plan_.workDir()).filePath(QStringLiteral("checkpoint.pt")));
}

void TrainRunPage::setState(State state, const QString& message) {
  state_ = state;
  const bool running = state == State::Running;
  pause_->setEnabled(running);
  pause_->setVisible(state != State::Finished);
  resume_->setVisible(state == State::Paused || state == State::Failed);
  resume_->setEnabled((state == State::Paused || state == State::Failed) && hasCheckpoint());
  stop_->setVisible(state != State::Finished && state != State::Idle);
  stop_->setEnabled(running || state == State::Pausing || state == State::Paused);
  open_->setVisible(state == State::Finished);
  new_run_->setEnabled(state == State::Idle || state == State::Paused || state == State::Finished ||
                       state == State::Failed);
  message_->setText(message);
  message_->setVisible(!message.isEmpty());
  QPalette pal = message_->palette();
  pal.setColor(QPalette::WindowText, state == State::Failed
                                         ? QColor(176, 32, 32)
                                         : palette().color(QPalette::WindowText));
  message_->setPalette(pal);
  Q_EMIT stateChanged(state);
}

QString TrainRunPage::statusText() const { return status_->text(); }

QString TrainRunPage::messageText() const { return message_->text(); }

}  // namespace emergence::ui
