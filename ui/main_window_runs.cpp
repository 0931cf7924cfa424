// The window's runs as a tree: Branch Here (Ctrl+B) and the run history (kept apart from the
// run logic in main_window.cpp).
#include <QStatusBar>

#include "controls_panel.h"
#include "core/branching.h"
#include "core/generation.h"
#include "core/noise_schedule.h"
#include "core/trajectory.h"
#include "fan_out_dialog.h"
#include "frame_store.h"
#include "main_window.h"
#include "message_banner.h"
#include "run_history.h"
#include "spectrum_link.h"
#include "timeline_widget.h"

namespace emergence::ui {
namespace {

bool is_stochastic(const ModelInfo& info, const GenerationParams& p) {
  const NoiseSchedule schedule(info.scheduler.training);
  return make_sampler(schedule, sampler_settings_for(info, p))->stochastic();
}

}  // namespace

std::optional<GenerationParams> branch_for(const ModelInfo& info, const GenerationParams& shown,
                                           int frame, const GenerationParams& settings,
                                           QString& note) {
  // A step before a restarted branch began belongs to the run it branched from.
  const GenerationParams* parent = &shown;
  while (parent->parent && frame < shape_of_run(info, *parent).first_frame) {
    parent = parent->parent.get();
  }
  const RunShape shape = shape_of_run(info, *parent);
  if (frame >= shape.total_frames) {
    note = QObject::tr(
        "Pick an earlier step to branch from: after the last one nothing is left "
        "to sample.");
    return std::nullopt;
  }
  while (frame > 0 && !shape.at_step_boundary(frame)) {
    --frame;  // the two model calls of one Heun step belong together
  }
  GenerationParams branch = branch_of(*parent, frame);
  branch.sampler = settings.sampler;
  branch.steps = settings.steps;
  branch.spacing = settings.spacing;
  branch.shift = settings.shift;
  branch.karras_rho = settings.karras_rho;
  branch.eta = settings.eta;
  branch.diffusers_exact = settings.diffusers_exact;
  branch.class_label = settings.class_label;
  branch.guidance_scale = settings.guidance_scale;
  branch.seed = settings.seed;
  const bool only_noise_changes = same_sampler_settings(branch, *parent) &&
                                  branch.class_label == parent->class_label &&
                                  branch.guidance_scale == parent->guidance_scale;
  if (only_noise_changes && branch.seed == parent->seed) {
    branch.seed = parent->seed + 1;
  }
  if (only_noise_changes && !is_stochastic(info, branch)) {
    branch.sampler = "ddpm";
    note = QObject::tr(
               "%1 is deterministic, so a new seed alone would change nothing after step "
               "%2: the branch samples with DDPM.")
               .arg(QString::fromStdString(parent->sampler))
               .arg(frame);
  }
  return branch;
}

void MainWindow::buildHistory() {
  history_ = new RunHistory(this);
  addAnalysisPanel(tr("Runs"), history_);
  connect(history_, &RunHistory::runPicked, this, &MainWindow::restoreRun);
}

void MainWindow::branchHere() {
  if (!model_ || store_->empty() || isRunning()) {
    return;
  }
  QString note;
  starting_run_ = true;
  const GenerationParams settings = controls_->paramsForNewRun();
  starting_run_ = false;
  const std::optional<GenerationParams> branch =
      branch_for(*model_, store_->trajectory().params, timeline_->currentFrame(), settings, note);
  if (!branch) {
    statusBar()->showMessage(note, 8000);
    return;
  }
  startRun(*branch);
  if (!note.isEmpty()) {
    statusBar()->showMessage(note, 12000);
  }
}

void MainWindow::openFanOutDialog() {
  if (!model_ || store_->empty()) {
    return;
  }
  auto* dialog =
      new FanOutDialog(model_folder_, store_->trajectory().params, timeline_->currentFrame(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  dialog->start();
}

void MainWindow::recordRun(bool completed) {
  history_->record(store_->trajectory(), completed, spectrum_link_->shown());
}

void MainWindow::restoreRun(int run) {
  if (isRunning()) {
    stop();
  }
  const Trajectory& kept = history_->run(run);
  if (kept.frames.empty()) {
    startRun(kept.params);
    return;
  }
  store_->restore(kept);
  starting_run_ = true;  // the controls follow the run without starting one
  controls_->setParams(kept.params);
  starting_run_ = false;
  spectrum_link_->show(history_->spectrum(run));
  timeline_->syncWithStore();
  timeline_->goToLast();
  export_action_->setEnabled(true);
  save_action_->setEnabled(true);
  showFrame(timeline_->currentFrame());
  statusBar()->showMessage(tr("Run #%1 back: its steps and settings").arg(run + 1), 6000);
}

}  // namespace emergence::ui
