#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QList>
#include <QObject>

#include "sampling_worker.h"

namespace emergence {
struct GenerationParams;
}

namespace emergence::ui {

class CanvasView;
class SettingsStore;
class SketchDocument;
class SketchToolBar;

// The start image of a run, and painting it: opens or drops a picture (fitted to the model),
// starts a blank sketch, routes the canvas's strokes to the tool chosen in the toolbar, adds the
// picture, strength and mask to a run's params, and drives Live mode: a stroke cancels the run
// in flight and its end starts a new one; the time from stroke end to result is shown.
class SketchSession : public QObject {
  Q_OBJECT

 public:
  SketchSession(CanvasView* canvas, QWidget* window);
  ~SketchSession() override;

  SketchDocument* document() const { return document_; }
  SketchToolBar* toolBar() const { return toolbar_; }

  // The model's size and channels: pictures are fitted to it, a sketch is rescaled.
  void setModelInfo(ModelInfoPtr info);
  // Opens a picture as the start image; false (and failed()) when it cannot be read.
  bool openPicture(const QString& path);
  void openPictureDialog();
  void newSketch();

  // What the canvas shows left of the frames: the sketch with its mask, when there is one.
  QList<QImage> canvasImages() const;
  // Adds the start image to a run's params (its hash, strength, fit and mask) and returns the
  // picture to send with it; a null image when the run starts from noise.
  QImage prepareRun(emergence::GenerationParams& params) const;
  // The run started by the last Live edit showed its final frame.
  void noteResultShown();
  // Milliseconds from the end of the stroke to the result, for every Live result so far.
  const QList<double>& liveLatencies() const { return latencies_; }

  void restoreSettings(const SettingsStore& settings);
  void saveSettings(SettingsStore& settings) const;

 Q_SIGNALS:
  void canvasChanged();
  // Live: a stroke started (the run in flight is stale) and an edit ended (run again).
  void cancelRequested();
  void runRequested();
  void failed(const QString& message);
  // The strength a run would start at: the toolbar's with a start image, 1 without.
  void startStrengthChanged(double strength);

 private:
  // A latent model (Stable Diffusion) takes no start image yet: says so (failed()) and true.
  bool refusedForLatents();
  void updateCanvasTarget();
  void refit();
  void onStrokeStarted(QPoint pixel);
  void onEdited();

  CanvasView* canvas_;
  QWidget* window_;
  SketchDocument* document_;
  SketchToolBar* toolbar_;
  ModelInfoPtr model_;
  QImage overlay_;  // document_->overlaid(), rebuilt when the document changes
  QElapsedTimer since_edit_;
  bool awaiting_result_ = false;
  QList<double> latencies_;
};

}  // namespace emergence::ui
