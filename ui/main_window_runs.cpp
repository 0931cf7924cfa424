// The window's runs as a tree (Branch Here, the run history, fan-outs, variations), sessions and
// the files dropped on the window; kept apart from the run logic in main_window.cpp.
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QRandomGenerator>
#include <QStatusBar>
#include <fstream>
#include <iterator>

#include "controls_panel.h"
#include "core/branching.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/media/export/png_text.h"
#include "core/media/image_decoding.h"
#include "core/media/session_file.h"
#include "core/noise_schedule.h"
#include "core/parameters_import.h"
#include "core/trajectory.h"
#include "fan_out_dialog.h"
#include "frame_store.h"
#include "main_window.h"
#include "message_banner.h"
#include "model_paths.h"
#include "run_history.h"
#include "spectrum_link.h"
#include "timeline_widget.h"

namespace emergence::ui {
namespace {

bool is_stochastic(const ModelInfo& info, const GenerationParams& p) {
  const NoiseSchedule schedule(info.scheduler.training);
  return make_sampler(schedule, sampler_settings_for(info, p))->stochastic();
}

// The dropped local folder (a model), image (a start image or its settings) or session, else empty.
QString local_drop(const QMimeData* mime) {
  if (mime == nullptr || !mime->hasUrls() || mime->urls().isEmpty()) {
    return {};
  }
  const QString path = mime->urls().front().toLocalFile();
  const QFileInfo info(path);
  const bool file =
      info.isFile() && (has_image_extension(path.toStdString()) ||
                        path.endsWith(QStringLiteral(".emergence")) || is_model_file(path));
  return info.isDir() || file ? path : QString();
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
  // A prompt model's branch may follow another prompt from here on (the size stays the run's).
  branch.prompt = settings.prompt;
  branch.negative_prompt = settings.negative_prompt;
  branch.clip_skip = settings.clip_skip;
  branch.seed = settings.seed;
  const bool only_noise_changes =
      same_sampler_settings(branch, *parent) && branch.class_label == parent->class_label &&
      branch.guidance_scale == parent->guidance_scale && branch.prompt == parent->prompt &&
      branch.negative_prompt == parent->negative_prompt && branch.clip_skip == parent->clip_skip;
  if (only_noise_changes && branch.seed == parent->seed) {
    branch.seed = QRandomGenerator::global()->bounded(1u << 31);  // recorded, so reproducible
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
  if (!model_ || store_->empty() || refusedForLatentModel(tr("Fan Out from Here"))) {
    return;
  }
  auto* dialog = new FanOutDialog(model_folder_, store_->trajectory().params,
                                  timeline_->currentFrame(), FanOutDialog::Kind::FanOut, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  dialog->start();
}

void MainWindow::openVariationsDialog() {
  if (!model_ || store_->empty() || refusedForLatentModel(tr("Variations of This Run"))) {
    return;
  }
  auto* dialog = new FanOutDialog(model_folder_, store_->trajectory().params, 0,
                                  FanOutDialog::Kind::Variations, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  dialog->start();
}

void MainWindow::recordRun(bool completed) {
  const Trajectory& run = store_->trajectory();
  const int64_t label = run.params.class_label;
  const bool named =
      model_ && label >= 0 && label < static_cast<int64_t>(model_->class_names.size());
  history_->record(run, completed, spectrum_link_->shown(),
                   named ? QString::fromStdString(model_->class_names[label]) : QString());
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
  vae_images_.clear();
  shows_latest_run_ = false;
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

void MainWindow::saveSessionDialog() {
  if (history_->runCount() == 0) {
    statusBar()->showMessage(tr("Nothing to save yet: the session's runs appear as they end."),
                             8000);
    return;
  }
  QString path = QFileDialog::getSaveFileName(this, tr("Save the session's runs"),
                                              settings_dir_ + QStringLiteral("/session.emergence"),
                                              tr("Emergence sessions (*.emergence)"));
  if (path.isEmpty()) {
    return;
  }
  if (!path.endsWith(QStringLiteral(".emergence"))) {
    path += QStringLiteral(".emergence");
  }
  Session session;
  for (int i = 0; i < history_->runCount(); ++i) {
    session.runs.push_back({history_->run(i), history_->completed(i)});
  }
  try {
    write_session(path.toStdString(), session);
  } catch (const std::exception& e) {
    banner_->showError(tr("The session was not saved: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  settings_dir_ = QFileInfo(path).absolutePath();
  statusBar()->showMessage(
      tr("Saved %n run(s) to %1", "", history_->runCount()).arg(QDir::toNativeSeparators(path)),
      8000);
}

void MainWindow::openSessionDialog() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open a session"), settings_dir_,
                                                    tr("Emergence sessions (*.emergence)"));
  if (!path.isEmpty()) {
    openSession(path);
  }
}

void MainWindow::openSession(const QString& path) {
  Session session;
  try {
    session = read_session(path.toStdString());
  } catch (const std::exception& e) {
    banner_->showError(QString::fromUtf8(e.what()));  // the runs on screen stay
    return;
  }
  if (isRunning()) {
    stop();
  }
  history_->clear();
  for (const SessionRun& run : session.runs) {
    history_->record(run.run, run.completed, nullptr);
  }
  settings_dir_ = QFileInfo(path).absolutePath();
  int last_kept = -1;
  for (int i = 0; i < history_->runCount(); ++i) {
    if (!history_->run(i).frames.empty()) {
      last_kept = i;
    }
  }
  if (last_kept >= 0) {
    restoreRun(last_kept);
  }
  statusBar()->showMessage(
      tr("Opened %n run(s) from %1", "", history_->runCount()).arg(QDir::toNativeSeparators(path)),
      8000);
}

bool MainWindow::openDroppedFile(const QString& path) {
  if (path.endsWith(QStringLiteral(".emergence"), Qt::CaseInsensitive)) {
    openSession(path);
    return true;
  }
  if (!path.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive)) {
    return false;
  }
  std::ifstream in(path.toStdString(), std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  ImportedParameters imported;
  try {
    imported = import_png_parameters(read_png_text(bytes));
  } catch (const Error&) {
    return false;  // a picture without settings: it becomes the start image
  }
  GenerationParams params = controls_->params();
  apply_imported(imported, params);
  starting_run_ = true;
  controls_->setParams(params);
  starting_run_ = false;
  QStringList used;
  for (const auto& [setting, value] : imported.mapped) {
    used << QString::fromStdString(setting);
  }
  QStringList unused;
  for (const auto& [what, why] : imported.unmapped) {
    unused << tr("%1 (%2)").arg(QString::fromStdString(what).left(60), QString::fromStdString(why));
  }
  banner_->showNotice(
      tr("Settings from %1 (%2): %3.%4 To start from the picture instead, open it with Ctrl+I.")
          .arg(QFileInfo(path).fileName(), QString::fromStdString(imported.source),
               used.join(QStringLiteral(", ")),
               unused.isEmpty() ? QString() : tr(" Not used: %1.").arg(unused.join("; "))));
  return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!local_drop(event->mimeData()).isEmpty()) {
    event->acceptProposedAction();
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = local_drop(event->mimeData());
  if (path.isEmpty()) {
    return;
  }
  if (QFileInfo(path).isDir()) {
    openModelFolder(path);
  } else if (is_model_file(path)) {
    openModelFolder(model_path_for_file(path));
  } else if (!openDroppedFile(path)) {
    sketch_->openPicture(path);
  }
  event->acceptProposedAction();
}

}  // namespace emergence::ui
