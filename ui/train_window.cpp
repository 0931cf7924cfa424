#include "train_window.h"

#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "train_plan.h"
#include "train_run_page.h"
#include "train_setup_page.h"
#include "training_process.h"

namespace emergence::ui {
namespace {

bool holds_files(const QString& folder) {
  const QDir dir(folder);
  return dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
}

}  // namespace

TrainWindow::TrainWindow(QWidget* parent)
    : QWidget(parent, Qt::Window),
      pages_(new QStackedWidget(this)),
      setup_(new TrainSetupPage(this)),
      run_(new TrainRunPage(this)) {
  setWindowTitle(tr("Train on a Folder"));
  setObjectName(QStringLiteral("trainWindow"));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(pages_);
  pages_->addWidget(setup_);
  pages_->addWidget(run_);
  resize(1000, 640);
  connect(setup_, &TrainSetupPage::startRequested, this, &TrainWindow::start);
  connect(setup_, &TrainSetupPage::resumeRequested, this, &TrainWindow::resume);
  connect(run_, &TrainRunPage::newRunRequested, this, &TrainWindow::showSetup);
  connect(run_, &TrainRunPage::modelFinished, this, &TrainWindow::modelFinished);
  connect(run_, &TrainRunPage::openModelRequested, this, &TrainWindow::openModelRequested);
}

void TrainWindow::setWorkerProgram(const QString& program) { run_->process()->setProgram(program); }

void TrainWindow::showSetup() {
  setup_->refreshUnfinished();
  setup_->setFolder(setup_->folderEdit()->text());  // read again: the timings were cancelled
  pages_->setCurrentWidget(setup_);
}

void TrainWindow::start(const TrainPlan& plan) {
  TrainPlan run = plan;
  if (holds_files(plan.out_dir) || QFileInfo::exists(plan.workDir() + "/checkpoint.pt")) {
    const auto answer = QMessageBox::question(
        this, tr("Replace the earlier model?"),
        tr("%1 already holds a model or an unfinished run. Start afresh and replace it?")
            .arg(QDir::toNativeSeparators(plan.out_dir)),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) {
      return;
    }
    run.overwrite = true;
  }
  pages_->setCurrentWidget(run_);
  run_->startRun(run, false);
}

void TrainWindow::resume(const TrainPlan& plan) {
  pages_->setCurrentWidget(run_);
  run_->startRun(plan, true);
}

}  // namespace emergence::ui
