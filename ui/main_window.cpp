#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "canvas_view.h"
#include "compare_dialog.h"
#include "controls_panel.h"
#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/trajectory.h"
#include "export_dialog.h"
#include "frame_images.h"
#include "frame_store.h"
#include "message_banner.h"
#include "model_picker.h"
#include "nearest_panel.h"
#include "run_progress.h"
#include "run_wording.h"
#include "sampling_controller.h"
#include "save_frame.h"
#include "schedule_plot.h"
#include "settings_store.h"
#include "sketch_session.h"
#include "spectrum_link.h"
#include "spectrum_panel.h"
#include "timeline_widget.h"

namespace emergence::ui {
namespace {

// PlotJuggler's redraw throttle: frames may arrive at any rate, the canvas repaints at ≤ 25 Hz.
constexpr int kRedrawIntervalMs = 40;

}  // namespace

MainWindow::MainWindow(const QString& builtin_model_dir, QWidget* parent)
    : QMainWindow(parent),
      builtin_dir_(builtin_model_dir),
      store_(std::make_unique<FrameStore>()),
      settings_(std::make_unique<SettingsStore>()),
      controller_(new SamplingController(this)),
      controls_(new ControlsPanel(this)),
      canvas_(new CanvasView(this)),
      timeline_(new TimelineWidget(store_.get(), this)),
      banner_(new MessageBanner(this)),
      progress_(new RunProgress(this)),
      zoom_label_(new QLabel(this)),
      redraw_timer_(new QTimer(this)) {
  setWindowTitle(tr("Emergence"));
  setObjectName(QStringLiteral("mainWindow"));
  // No fixed minimum: the layout's own (the docks that are open and a canvas worth looking at)
  // holds the window, and shrinks when a panel is closed.
  setAcceptDrops(true);
  redraw_timer_->setSingleShot(true);
  redraw_timer_->setInterval(kRedrawIntervalMs);
  buildLayout();
  sketch_ = new SketchSession(canvas_, this);
  buildMenus();
  auto* spectrum = new SpectrumPanel(this);
  addAnalysisPanel(tr("Spectrum"), spectrum);
  spectrum_link_ = new SpectrumLink(spectrum, this);
  setAnalysisFactory(spectrum_link_->factory());
  connect(this, &MainWindow::frameShown, spectrum, &SpectrumPanel::setCurrentStep);
  connect(spectrum, &SpectrumPanel::stepPicked, timeline_, &TimelineWidget::setCurrentFrame);
  buildHistory();
  attach_nearest_panel(*this, new NearestPanel(this));

  connect(redraw_timer_, &QTimer::timeout, this, &MainWindow::redrawLive);
  connect(controller_, &SamplingController::modelLoaded, this, &MainWindow::onModelLoaded);
  connect(controller_, &SamplingController::modelFailed, this, &MainWindow::onModelFailed);
  connect(controller_, &SamplingController::frameArrived, this, &MainWindow::onFrame);
  connect(controller_, &SamplingController::previewDecoderChanged, this,
          &MainWindow::onPreviewDecoderChanged);
  connect(controller_, &SamplingController::previewDecoderFailed, this,
          &MainWindow::onPreviewDecoderFailed);
  connect(controller_, &SamplingController::runNotice, banner_, &MessageBanner::showNotice);
  connect(controller_, &SamplingController::stepDecoded, this, &MainWindow::onStepDecoded);
  connect(controller_, &SamplingController::decodeFailed, this,
          [this](int frame, const QString& message) {
            banner_->showError(tr("Step %1 was not decoded: %2").arg(frame).arg(message));
          });
  connect(controller_, &SamplingController::runFinished, this, [this](bool cancelled) {
    // Steps as the user set them; a frame is a model call, and Heun makes more than one a step.
    const int steps = steps_run(store_->trajectory().params);
    const int done = std::max(0, store_->count() - 1);
    const auto last = store_->frame(store_->count() - 1);
    const int calls = last ? last->total : steps;
    onRunEnded(cancelled ? run_stopped_text(done, calls, steps) : run_done_text(steps, calls));
    recordRun(!cancelled);
    if (!cancelled) {
      sketch_->noteResultShown();
    }
  });
  connect(controller_, &SamplingController::runFailed, this, [this](const QString& message) {
    banner_->showError(tr("The run stopped: %1").arg(message));
    onRunEnded(tr("Failed: %1").arg(message));
  });
  connect(sketch_, &SketchSession::canvasChanged, this, &MainWindow::refreshCanvas);
  connect(sketch_, &SketchSession::failed, banner_, &MessageBanner::showError);
  connect(sketch_, &SketchSession::cancelRequested, this, &MainWindow::stop);
  // Live keeps the seed: the result changes only when the sketch does.
  connect(sketch_, &SketchSession::runRequested, this, [this] {
    if (model_) {
      startRun(controls_->params());
    }
  });
  connect(sketch_, &SketchSession::startStrengthChanged, controls_->schedulePlot(),
          &SchedulePlot::setStartStrength);
  connect(controls_, &ControlsPanel::generateClicked, this, &MainWindow::generate);
  connect(controls_, &ControlsPanel::stopClicked, this, &MainWindow::stop);
  connect(controls_, &ControlsPanel::paramsChanged, this, [this] {
    if (controls_->autoRegenerate() && !starting_run_ && model_) {
      startRun(controls_->params());
    }
  });
  connect(controls_->modelPicker(), &ModelPicker::modelChosen, this, &MainWindow::openModelFolder);
  connect(controls_->modelPicker(), &ModelPicker::openFolderRequested, this,
          &MainWindow::openModelDialog);
  connect(timeline_, &TimelineWidget::currentFrameChanged, this, &MainWindow::showFrame);
  connect(canvas_, &CanvasView::zoomChanged, this, [this](double scale, bool fit) {
    zoom_label_->setText(fit ? tr("Fit (×%1)").arg(scale, 0, 'g', 3)
                             : tr("×%1").arg(scale, 0, 'g', 3));
  });

  restoreSettings();
  const QString last = settings_->lastModel();
  // The controls hold values left for that model only when a session saved them.
  controls_model_ =
      settings_->value(QStringLiteral("controls/sampler"), QString()).isEmpty() ? QString() : last;
  if (!last.isEmpty() && QFileInfo::exists(last)) {
    openModelFolder(last);
  } else if (!builtin_dir_.isEmpty() && QFileInfo(builtin_dir_).isDir()) {
    openModelFolder(builtin_dir_);
  } else {
    banner_->showNotice(tr("No built-in model was found%1. Open a model folder (Ctrl+O) or drop "
                           "one on the window.")
                            .arg(builtin_dir_.isEmpty()
                                     ? QString()
                                     : tr(" in %1").arg(QDir::toNativeSeparators(builtin_dir_))));
    statusBar()->showMessage(tr("No model loaded"));
  }
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout() {
  viewer_ = new QWidget(this);
  auto* layout = new QVBoxLayout(viewer_);
  layout->setContentsMargins(4, 4, 4, 0);
  layout->addWidget(banner_);
  // What a latent model's canvas shows: which decoder made the clean guess.
  caption_ = new QLabel(viewer_);
  caption_->setObjectName(QStringLiteral("canvasCaption"));
  caption_->setForegroundRole(QPalette::PlaceholderText);
  caption_->hide();
  layout->addWidget(caption_);
  // Smaller than this a run cannot be watched; the window's minimum size keeps it.
  canvas_->setMinimumSize(240, 180);
  layout->addWidget(canvas_, 1);
  layout->addWidget(timeline_);
  setCentralWidget(viewer_);

  // The panel scrolls its knobs itself and keeps Generate / Stop in view below them.
  auto* dock = new QDockWidget(tr("Controls"), this);
  dock->setObjectName(QStringLiteral("controlsDock"));
  // Closable for a bigger canvas: View → Controls brings it back.
  dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable |
                    QDockWidget::DockWidgetFloatable);
  dock->setWidget(controls_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  // Messages use the room left of these; the window's minimum width keeps that room open.
  statusBar()->addPermanentWidget(zoom_label_);
  statusBar()->addPermanentWidget(progress_);
  zoom_label_->setText(tr("Fit"));
}

void MainWindow::refreshModelChoices() {
  const bool builtin_exists = !builtin_dir_.isEmpty() && QFileInfo(builtin_dir_).isDir();
  const QStringList recent = settings_->recentModels();
  controls_->modelPicker()->setChoices(builtin_exists ? builtin_dir_ : QString(), recent,
                                       model_folder_);
  recent_menu_->clear();
  for (const QString& folder : recent) {
    recent_menu_->addAction(QDir::toNativeSeparators(folder), this,
                            [this, folder] { openModelFolder(folder); });
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::onModelLoaded(ModelInfoPtr info, qint64 load_ms) {
  model_ = info;
  model_folder_ = QString::fromStdString(info->path);
  settings_->setLastModel(model_folder_);
  if (model_folder_ != builtin_dir_) {
    settings_->addRecentModel(model_folder_);
  }
  refreshModelChoices();
  onLoadEnded();
  controls_->setModelInfo(info);
  sketch_->setModelInfo(info);
  // A model opened for the first time brings its own sampler, spacing and guidance; reopening
  // the model of the last session keeps the values the user left.
  if (model_folder_ != controls_model_) {
    controls_->adoptModelDefaults(*info);
    controls_model_ = model_folder_;
  }
  controls_->modelPicker()->setDescription(modelDescription(*info));
  updatePredictionMenu();
  setWindowTitle(tr("Emergence — %1").arg(QString::fromStdString(info->name)));
  statusBar()->showMessage(
      tr("Loaded model %1 in %2 ms").arg(QString::fromStdString(info->name)).arg(load_ms), 8000);
  Q_EMIT modelReady();
}

void MainWindow::onModelFailed(const QString& folder, const QString& message) {
  onLoadEnded();
  banner_->showError(
      tr("Could not open the model %1: %2").arg(QDir::toNativeSeparators(folder), message));
  statusBar()->showMessage(tr("Model not loaded"), 8000);
  refreshModelChoices();
  Q_EMIT modelRejected(message);
}

bool MainWindow::isRunning() const { return controller_->isRunning(); }

void MainWindow::generate() {
  starting_run_ = true;  // a re-drawn seed must not trigger auto-regenerate as well
  const GenerationParams params = controls_->paramsForNewRun();
  starting_run_ = false;
  // Generate ends any editing: the keys go to the image and its timeline (issue 11, item 4).
  canvas_->setFocus(Qt::OtherFocusReason);
  startRun(params);
}

void MainWindow::startRun(const GenerationParams& base) {
  if (controller_->isLoading()) {
    statusBar()->showMessage(tr("The model is still loading; Generate once it is in."), 6000);
    return;
  }
  GenerationParams params = base;
  if (model_) {
    params.model_path = model_->path;
    params.model_name = model_->name;
    params.model_hash = model_->hash;
  }
  if (!banner_->isHidden() && !controller_->isLoading()) {
    banner_->hide();
  }
  redraw_timer_->stop();
  const QImage start_picture = sketch_->prepareRun(params);
  store_->reset(params);
  vae_images_.clear();
  shows_latest_run_ = true;
  spectrum_link_->clear();
  export_action_->setEnabled(false);
  save_action_->setEnabled(false);
  timeline_->syncWithStore();
  shown_frame_ = -1;
  refreshCanvas();
  progress_->begin();
  statusBar()->clearMessage();  // an old "Loaded model …" would sit beside the new run
  controls_->setRunning(true);
  controller_->start(params, start_picture);
}

void MainWindow::stop() { controller_->stop(); }

void MainWindow::openExportDialog() {
  if (store_->empty()) {
    return;
  }
  // Steps decoded through the VAE (D, and the finished image) export as the canvas shows them.
  Trajectory run = store_->trajectory();
  for (const auto& [index, image] : vae_images_) {
    set_decoded_x0(run, index, image8_from_qimage(image, 3), "VAE");
  }
  auto* dialog = new ExportDialog(run, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

void MainWindow::openCompareDialog() {
  if (!hasModel() || refusedForLatentModel(tr("Compare Samplers and Steps"))) {
    return;
  }
  auto* dialog = new CompareDialog(model_folder_, controls_->params(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

void MainWindow::saveCurrentFrame() {
  if (store_->empty() || timeline_->currentFrame() < 0) {
    return;
  }
  const QString written = save_current_frame(this, shownTrajectory(), shown_frame_, view_);
  if (!written.isEmpty()) {
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(written)), 8000);
    Q_EMIT frameSaved(written);
  }
}

void MainWindow::onFrame(FramePtr frame) {
  progress_->step(frame->index, frame->total, steps_run(store_->trajectory().params));
  store_->append(std::move(frame));
  if (!redraw_timer_->isActive()) {
    redraw_timer_->start();
  }
}

void MainWindow::redrawLive() {
  spectrum_link_->refresh();
  timeline_->syncWithStore();
  export_action_->setEnabled(!store_->empty());
  save_action_->setEnabled(!store_->empty());
  showFrame(timeline_->currentFrame());
}

void MainWindow::onRunEnded(const QString& summary) {
  redraw_timer_->stop();
  redrawLive();
  controls_->setRunning(false);
  progress_->end(summary);  // the progress line says it; a status message would repeat it
  Q_EMIT runEnded();
}

void MainWindow::showFrame(int frame) {
  if (!store_->frame(frame)) {
    return;
  }
  shown_frame_ = frame;
  refreshCanvas();
  Q_EMIT frameShown(frame);
}

void MainWindow::refreshCanvas() {
  canvas_->setImages(sketch_->canvasImages() + shownFrameImages());
  caption_->setText(caption_text_);
  caption_->setVisible(!caption_text_.isEmpty());
}

void MainWindow::setView(FrameView view) {
  view_ = view;
  view_actions_->actions().at(int(view))->setChecked(true);
  view_combo_->setCurrentIndex(int(view));
  timeline_->setThumbnailView(view == FrameView::NoisyState ? FrameView::NoisyState
                                                            : FrameView::CleanGuess);
  if (shown_frame_ >= 0) {
    showFrame(shown_frame_);
  }
}

void MainWindow::addAnalysisPanel(const QString& title, QWidget* panel) {
  auto* dock = new QDockWidget(title, this);
  // A fixed name per dock, so saveState() restores it whatever the language.
  dock->setObjectName(QStringLiteral("analysisDock%1").arg(++analysis_docks_));
  dock->setWidget(panel);
  addDockWidget(Qt::RightDockWidgetArea, dock);
  view_menu_->insertAction(toolbar_toggle_, dock->toggleViewAction());
}

void MainWindow::setAnalysisFactory(AnalysisFactory factory) {
  controller_->setAnalysisFactory(std::move(factory));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  controller_->stop();
  saveSettings();
  event->accept();
}

}  // namespace emergence::ui
