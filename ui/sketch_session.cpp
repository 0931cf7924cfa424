#include "sketch_session.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QUndoStack>

#include "canvas_view.h"
#include "core/diffusion_model.h"
#include "core/display_image.h"
#include "core/generation_params.h"
#include "core/image_guide.h"
#include "core/media/image_fit.h"
#include "frame_images.h"
#include "settings_store.h"
#include "sketch_document.h"
#include "sketch_toolbar.h"

namespace emergence::ui {
SketchSession::SketchSession(CanvasView* canvas, QWidget* window)
    : QObject(window),
      canvas_(canvas),
      window_(window),
      document_(new SketchDocument(this)),
      toolbar_(new SketchToolBar(document_->undoStack(), window)) {
  connect(toolbar_->newSketchAction(), &QAction::triggered, this, &SketchSession::newSketch);
  connect(toolbar_->openAction(), &QAction::triggered, this, &SketchSession::openPictureDialog);
  connect(toolbar_->removeAction(), &QAction::triggered, document_, &SketchDocument::removePicture);
  connect(toolbar_->clearMaskAction(), &QAction::triggered, document_, &SketchDocument::clearMask);
  connect(toolbar_->invertMaskAction(), &QAction::triggered, document_,
          &SketchDocument::invertMask);
  connect(toolbar_, &SketchToolBar::toolChanged, this, &SketchSession::updateCanvasTarget);
  connect(toolbar_, &SketchToolBar::fitChanged, this, &SketchSession::refit);
  connect(toolbar_, &SketchToolBar::liveToggled, this, [this](bool on) {
    toolbar_->setLiveStatus(on ? tr("Live") : QString());
    if (on) {
      onEdited();  // a first result for the sketch as it is
    }
  });
  for (auto signal : {&SketchToolBar::strengthChanged, &SketchToolBar::featherChanged}) {
    connect(toolbar_, signal, this, [this] {
      if (toolbar_->live()) {
        onEdited();
      }
    });
  }
  auto report_strength = [this] {
    Q_EMIT startStrengthChanged(document_->hasPicture() ? toolbar_->strength() : 1.0);
  };
  connect(toolbar_, &SketchToolBar::strengthChanged, this, report_strength);
  connect(document_, &SketchDocument::edited, this, report_strength);
  connect(document_, &SketchDocument::changed, this, [this] {
    overlay_ = document_->overlaid();
    toolbar_->setHasPicture(document_->hasPicture());
    updateCanvasTarget();
    Q_EMIT canvasChanged();
  });
  connect(document_, &SketchDocument::edited, this, [this] {
    if (toolbar_->live()) {
      onEdited();
    }
  });

  connect(canvas_, &CanvasView::strokeStarted, this, &SketchSession::onStrokeStarted);
  connect(canvas_, &CanvasView::strokeMoved, document_, &SketchDocument::continueStroke);
  connect(canvas_, &CanvasView::strokeFinished, document_, &SketchDocument::endStroke);
}

SketchSession::~SketchSession() = default;

void SketchSession::setModelInfo(ModelInfoPtr info) {
  const bool resized = !model_ || model_->width != info->width || model_->height != info->height ||
                       model_->channels != info->channels;
  model_ = std::move(info);
  const bool latent = model_->latent_scale > 1;
  toolbar_->newSketchAction()->setEnabled(!latent);
  toolbar_->openAction()->setEnabled(!latent);
  if (latent && document_->hasPicture()) {
    document_->removePicture();  // a latent model's runs start from noise (refusedForLatents)
  } else if (resized && document_->hasPicture()) {
    refit();
  }
}

bool SketchSession::refusedForLatents() {
  if (model_ && model_->latent_scale > 1) {
    Q_EMIT failed(tr("A start image for %1 needs the VAE encoder, which the window does not run "
                     "yet: Stable Diffusion runs start from noise.")
                      .arg(QString::fromStdString(model_->name)));
    return true;
  }
  return false;
}

bool SketchSession::openPicture(const QString& path) {
  if (!model_) {
    Q_EMIT failed(tr("Open a model first: the picture is fitted to its size."));
    return false;
  }
  if (refusedForLatents()) {
    return false;
  }
  try {
    const Image8 fitted = read_fitted_image(path.toStdString(), model_->width, model_->height,
                                            toolbar_->padded() ? ImageFit::Pad : ImageFit::Crop,
                                            model_->channels == 1 ? 1 : 3);
    document_->setPicture(qimage_from_image8(fitted), path,
                          tr("Open %1").arg(QFileInfo(path).fileName()));
    return true;
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Could not open the picture: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
}

void SketchSession::openPictureDialog() {
  const QString path = QFileDialog::getOpenFileName(
      window_, tr("Start from a picture"), QFileInfo(document_->source()).path(),
      tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
  if (!path.isEmpty()) {
    openPicture(path);
  }
}

void SketchSession::newSketch() {
  if (!model_) {
    Q_EMIT failed(tr("Open a model first: the sketch has its size."));
    return;
  }
  if (refusedForLatents()) {
    return;
  }
  QImage blank(model_->width, model_->height, QImage::Format_RGB32);
  blank.fill(Qt::white);
  document_->setPicture(blank, QString(), tr("New Sketch"));
  if (toolbar_->tool() == SketchToolBar::Tool::Look) {
    toolbar_->setTool(SketchToolBar::Tool::Brush);
  }
}

void SketchSession::refit() {
  if (!model_ || !document_->hasPicture()) {
    return;
  }
  if (!document_->source().isEmpty() && QFileInfo(document_->source()).isFile()) {
    openPicture(document_->source());
    return;
  }
  const QSize size(model_->width, model_->height);
  if (document_->picture().size() != size) {
    document_->setPicture(
        document_->picture().scaled(size, Qt::IgnoreAspectRatio, Qt::FastTransformation), QString(),
        tr("Fit Sketch to Model"));
  }
}

QList<QImage> SketchSession::canvasImages() const {
  if (overlay_.isNull()) {
    return {};
  }
  return {overlay_};
}

QImage SketchSession::prepareRun(GenerationParams& params) const {
  if (!document_->hasPicture() || !model_) {
    return {};
  }
  const int channels = model_->channels == 1 ? 1 : 3;
  const Image8 picture = image8_from_qimage(document_->picture(), channels);
  params.init_image_hash = image_levels_hash(from_image8(picture).unsqueeze(0));
  params.init_image_fit = document_->source().isEmpty() ? std::string("sketch")
                          : toolbar_->padded()          ? std::string("pad")
                                                        : std::string("crop");
  params.strength = toolbar_->strength();
  params.mask.clear();
  if (document_->hasMask()) {
    const Image8 mask = feather_mask(image8_from_qimage(document_->mask(), 1), toolbar_->feather());
    params.mask = mask_to_hex((from_image8(mask) + 1.0f).div(2.0f).unsqueeze(0));
  }
  return document_->picture();
}

void SketchSession::noteResultShown() {
  if (!awaiting_result_) {
    return;
  }
  awaiting_result_ = false;
  const double ms = since_edit_.nsecsElapsed() / 1e6;
  latencies_.append(ms);
  toolbar_->setLiveStatus(tr("Live: %1 ms").arg(ms, 0, 'f', 0));
}

void SketchSession::restoreSettings(const SettingsStore& settings) {
  toolbar_->restoreSettings(settings);
}

void SketchSession::saveSettings(SettingsStore& settings) const {
  toolbar_->saveSettings(settings);
}

void SketchSession::updateCanvasTarget() {
  const bool paints = document_->hasPicture() && toolbar_->tool() != SketchToolBar::Tool::Look;
  canvas_->setPaintTarget(paints ? 0 : -1);
}

void SketchSession::onStrokeStarted(QPoint pixel) {
  using Tool = SketchToolBar::Tool;
  switch (toolbar_->tool()) {
    case Tool::Look:
      return;
    case Tool::Fill:
      document_->fill(pixel, toolbar_->color());
      return;
    case Tool::Brush:
      document_->beginStroke(SketchDocument::Layer::Picture, pixel, toolbar_->color(),
                             toolbar_->brushSize());
      break;
    case Tool::Mask:
    case Tool::EraseMask:
      document_->beginStroke(SketchDocument::Layer::Mask, pixel,
                             toolbar_->tool() == Tool::Mask ? Qt::white : Qt::black,
                             toolbar_->brushSize());
      break;
  }
  if (toolbar_->live()) {
    Q_EMIT cancelRequested();  // its result would be of the sketch before this stroke
  }
}

void SketchSession::onEdited() {
  if (!document_->hasPicture()) {
    return;
  }
  since_edit_.start();
  awaiting_result_ = true;
  toolbar_->setLiveStatus(tr("Live: running…"));
  Q_EMIT runRequested();
}

}  // namespace emergence::ui
