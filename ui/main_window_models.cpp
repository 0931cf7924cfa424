// Opening models (folders, single checkpoints), their device and the loading indicator, and what
// a latent model adds on the canvas: x̂0 previews from TAESD and the VAE decode of a step. Kept
// apart from the run logic in main_window.cpp.
#include <QAction>
#include <QActionGroup>
#include <QCryptographicHash>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>

#include "controls_panel.h"
#include "core/compute_device.h"
#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/prediction.h"
#include "core/trajectory.h"
#include "frame_store.h"
#include "main_window.h"
#include "message_banner.h"
#include "model_loading_indicator.h"
#include "model_paths.h"
#include "model_picker.h"
#include "sampling_controller.h"
#include "settings_store.h"

namespace emergence::ui {
namespace {

// Per model, by its hash: a file that moves keeps its TAESD, another model does not get it.
QString preview_decoder_key(const ModelInfo& info) {
  return QStringLiteral("preview_decoder/") + QString::fromStdString(info.hash);
}

QString device_key() { return QStringLiteral("model/device"); }

// Per model path (hashed: a path's slashes would read as settings groups).
QString prediction_key(const QString& path) {
  return QStringLiteral("prediction/") +
         QString::fromLatin1(
             QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha1).toHex());
}

QString prediction_text(PredictionType type) {
  switch (type) {
    case PredictionType::Epsilon:
      return QObject::tr("predicts the noise ε");
    case PredictionType::VPrediction:
      return QObject::tr("predicts the velocity v");
    case PredictionType::Sample:
      return QObject::tr("predicts the clean image");
  }
  return {};
}

}  // namespace

bool MainWindow::isLoadingModel() const { return controller_->isLoading(); }

void MainWindow::buildModelControls() {
  QMenu* model = menuBar()->addMenu(tr("&Model"));
  preview_decoder_action_ =
      model->addAction(tr("&Preview Decoder (TAESD)…"), this, &MainWindow::choosePreviewDecoder);
  preview_decoder_action_->setToolTip(
      tr("A TAESD file (taesd_decoder.safetensors, or a diffusers AutoencoderTiny's weights) for "
         "decoded previews of the clean guess every few steps; remembered for this model"));
  preview_decoder_action_->setEnabled(false);
  decode_action_ = model->addAction(tr("&Decode This Step"), QKeySequence(Qt::Key_D), this,
                                    &MainWindow::decodeShownStep);
  decode_action_->setToolTip(tr("The clean guess of the shown step through the full VAE (D)"));
  decode_action_->setShortcutContext(Qt::WindowShortcut);
  decode_action_->setEnabled(false);
  prediction_menu_ = model->addMenu(tr("P&rediction Type"));
  prediction_menu_->setToolTip(
      tr("What the model predicts. A single-file checkpoint does not say: Auto asks the model "
         "once (SD 2 checkpoints) or takes its scheduler's word; choose if it guessed wrong "
         "(the images come out grey or burnt). Remembered for this file."));
  prediction_menu_->setToolTipsVisible(true);
  prediction_actions_ = new QActionGroup(this);
  const std::pair<QString, QString> choices[] = {
      {QStringLiteral("auto"), tr("&Auto (the scheduler's, or asked of the model)")},
      {QStringLiteral("epsilon"), tr("&Noise ε (SD 1, SD 2 base)")},
      {QStringLiteral("v"), tr("&Velocity v (SD 2 768-v)")}};
  for (const auto& [choice, label] : choices) {
    QAction* action = prediction_menu_->addAction(label);
    action->setCheckable(true);
    action->setData(choice);
    prediction_actions_->addAction(action);
  }
  connect(prediction_actions_, &QActionGroup::triggered, this,
          [this](QAction* action) { setPredictionOverride(action->data().toString()); });
  prediction_menu_->setEnabled(false);

  QStringList devices;
  for (const std::string& device : available_devices()) {
    devices << QString::fromStdString(device);
  }
  ModelPicker* picker = controls_->modelPicker();
  picker->setDevices(devices, settings_->value(device_key(), QStringLiteral("cpu")));
  connect(picker, &ModelPicker::deviceChosen, this, [this](const QString& device) {
    settings_->setValue(device_key(), device);
    if (!model_folder_.isEmpty()) {
      openModelFolder(model_folder_);  // the same model again, on the new device
    }
  });
}

bool MainWindow::refusedForLatentModel(const QString& what) {
  if (!model_ || model_->latent_scale == 1) {
    return false;
  }
  banner_->showNotice(tr("%1 works with pixel models for now; %2 is a latent model (Stable "
                         "Diffusion), whose grids would need a VAE decode per tile.")
                          .arg(what, QString::fromStdString(model_->name)));
  return true;
}

void MainWindow::openModelFolder(const QString& path) {
  stop();  // the worker loads once the run in flight has stopped, within a step
  statusBar()->showMessage(tr("Loading model %1…").arg(QDir::toNativeSeparators(path)));
  controls_->modelPicker()->loadingIndicator()->start(QFileInfo(path).fileName());
  controls_->setLoading(true);
  controller_->loadModel(path, controls_->modelPicker()->device(), predictionOverride(path));
}

QString MainWindow::predictionOverride(const QString& path) const {
  return settings_->value(prediction_key(path), QStringLiteral("auto"));
}

void MainWindow::updatePredictionMenu() {
  prediction_menu_->setEnabled(model_ && model_->takes_prompt);
  const QString chosen = predictionOverride(model_folder_);
  for (QAction* action : prediction_actions_->actions()) {
    action->setChecked(action->data().toString() == chosen);
  }
}

void MainWindow::setPredictionOverride(const QString& choice) {
  if (!model_ || !model_->takes_prompt || choice == predictionOverride(model_folder_)) {
    return;
  }
  settings_->setValue(prediction_key(model_folder_), choice);
  openModelFolder(model_folder_);  // the same model again, predicting `choice`
}

void MainWindow::openModelDialog() {
  const QFileInfo current(model_folder_);
  const QString file = QFileDialog::getOpenFileName(
      this,
      tr("Open a model: a Stable Diffusion .safetensors checkpoint, or a diffusers folder's "
         "model_index.json or config.json"),
      current.isFile() ? current.absolutePath() : model_folder_,
      tr("Models (*.safetensors model_index.json config.json);;All files (*)"));
  if (!file.isEmpty()) {
    openModelFolder(model_path_for_file(file));
  }
}

void MainWindow::openModelFolderDialog() {
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Open a model folder (diffusers: UNet2DModel or Stable Diffusion)"), model_folder_);
  if (!folder.isEmpty()) {
    openModelFolder(folder);
  }
}

void MainWindow::onLoadEnded() {
  if (!controller_->isLoading()) {
    controls_->modelPicker()->loadingIndicator()->stop();
    controls_->setLoading(false);
  }
}

QString MainWindow::modelDescription(const ModelInfo& info) const {
  if (info.takes_prompt) {
    return tr("Text to image, %1 × %2 px by default (%3-channel latents at 1/%4 size); %5")
        .arg(info.width * info.latent_scale)
        .arg(info.height * info.latent_scale)
        .arg(info.channels)
        .arg(info.latent_scale)
        .arg(prediction_text(info.scheduler.sampler.prediction));
  }
  const QString classes = info.class_names.empty() ? tr("unconditional")
                                                   : tr("%1 classes").arg(info.class_names.size());
  return tr("%1 × %2 px, %3 channels, %4")
      .arg(info.width)
      .arg(info.height)
      .arg(info.channels)
      .arg(classes);
}

void MainWindow::onPreviewDecoderChanged(const QString& decoder) {
  preview_decoder_ = decoder;
  const bool latent = model_ && model_->latent_scale > 1;
  preview_decoder_action_->setEnabled(latent);
  decode_action_->setEnabled(latent);
  if (latent && decoder.isEmpty()) {
    const QString remembered = settings_->value(preview_decoder_key(*model_), QString());
    if (!remembered.isEmpty()) {
      controller_->setPreviewDecoder(remembered);
    }
  }
  refreshCanvas();
}

void MainWindow::onPreviewDecoderFailed(const QString& path, const QString& message) {
  if (model_) {
    settings_->setValue(preview_decoder_key(*model_), QString());  // not offered again
  }
  banner_->showError(tr("The preview decoder %1 was not attached: %2")
                         .arg(QDir::toNativeSeparators(path), message));
}

void MainWindow::choosePreviewDecoder() {
  const QString file = QFileDialog::getOpenFileName(
      this, tr("A TAESD decoder for the previews of %1").arg(QString::fromStdString(model_->name)),
      QString(), tr("TAESD weights (*.safetensors)"));
  if (!file.isEmpty()) {
    setPreviewDecoderFile(file);
  }
}

void MainWindow::setPreviewDecoderFile(const QString& path) {
  if (!model_ || model_->latent_scale == 1) {
    return;
  }
  // Kept unless it fails to attach (previewDecoderFailed forgets it).
  settings_->setValue(preview_decoder_key(*model_), path);
  controller_->setPreviewDecoder(path);
}

void MainWindow::decodeShownStep() {
  if (!model_ || model_->latent_scale == 1 || shown_frame_ < 0) {
    return;
  }
  if (isRunning()) {
    statusBar()->showMessage(tr("Decode after the run: the model is busy sampling."), 6000);
    return;
  }
  if (!shows_latest_run_) {
    statusBar()->showMessage(tr("Only the latest run's steps can be decoded: its latents are the "
                                "ones kept. Run this one again to decode its steps."),
                             8000);
    return;
  }
  if (view_ != FrameView::CleanGuess) {
    setView(FrameView::CleanGuess);  // the decode shows as the clean guess
  }
  if (vae_images_.count(shown_frame_) == 0) {
    statusBar()->showMessage(tr("Decoding step %1 with the VAE…").arg(shown_frame_));
    controller_->decodeStep(shown_frame_);
  }
}

void MainWindow::onStepDecoded(int frame, const QImage& image, const QString& decoder) {
  vae_images_[frame] = image;
  statusBar()->showMessage(tr("Step %1 decoded (%2)").arg(frame).arg(decoder), 6000);
  if (frame == shown_frame_) {
    refreshCanvas();
  }
  Q_EMIT stepDecoded(frame);
}

QList<QImage> MainWindow::shownFrameImages() {
  const auto frame = store_->frame(shown_frame_);
  QList<QImage> images = frame_images(frame, view_);
  caption_text_.clear();
  if (!frame || !is_prompt_run(store_->trajectory().params)) {
    return images;  // a pixel model's views are its images
  }
  if (view_ != FrameView::CleanGuess) {
    caption_text_ = tr("latent→RGB approximation (one pixel per latent cell)");
    return images;
  }
  const auto vae = vae_images_.find(shown_frame_);
  const auto decoded = latest_decoded(store_->trajectory(), shown_frame_);
  if (vae != vae_images_.end()) {
    images = {vae->second};
    caption_text_ = tr("x0 · VAE");
  } else if (decoded) {
    images = {to_qimage(decoded, decoded->decoded_x0)};
    caption_text_ = decoded->index == shown_frame_
                        ? tr("x0 · %1").arg(QString::fromStdString(decoded->decoder))
                        : tr("x0 · %1 of step %2 (decoded every few steps)")
                              .arg(QString::fromStdString(decoded->decoder))
                              .arg(decoded->index);
  } else {
    caption_text_ = tr("x0 · latent→RGB approximation (press D to decode this step)");
  }
  return images;
}

QString MainWindow::cleanGuessCaption() const { return caption_text_; }

Trajectory MainWindow::shownTrajectory() {
  Trajectory run = store_->trajectory();
  const auto frame = store_->frame(shown_frame_);
  if (!frame || view_ != FrameView::CleanGuess || !is_prompt_run(run.params)) {
    return run;
  }
  const QList<QImage> shown = shownFrameImages();
  auto decoded = std::make_shared<TrajectoryFrame>(*frame);
  decoded->views[static_cast<int>(View::CleanGuess)] = image8_from_qimage(shown.back(), 3);
  run.frames[static_cast<size_t>(shown_frame_)] = std::move(decoded);
  return run;
}

}  // namespace emergence::ui
