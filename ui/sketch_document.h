#pragma once

#include <QColor>
#include <QImage>
#include <QObject>
#include <QPoint>
#include <QString>
#include <optional>

class QUndoStack;

namespace emergence::ui {

// The picture a run starts from and the mask painted over it, at the model's size, with undo.
// Strokes paint pixels (a square brush, no antialiasing: on a 32×32 model every pixel counts);
// each stroke, fill or mask operation is one undo step.
class SketchDocument : public QObject {
  Q_OBJECT

 public:
  enum class Layer { Picture, Mask };

  explicit SketchDocument(QObject* parent = nullptr);
  ~SketchDocument() override;

  bool hasPicture() const { return !picture_.isNull(); }
  // RGB32 at the model's size; null when there is none.
  const QImage& picture() const { return picture_; }
  // Grayscale8, 255 = repaint, 0 = keep; null when nothing is masked.
  QImage mask() const;
  bool hasMask() const;
  QString source() const { return source_; }  // the file it came from, or empty for a sketch
  // The picture with the masked part tinted, for the canvas.
  QImage overlaid() const;
  QUndoStack* undoStack() const { return undo_; }

  // Undoable: replaces the picture (and clears the mask) with a fitted image or a blank sketch.
  void setPicture(const QImage& picture, const QString& source, const QString& action_text);
  void removePicture();
  void clearMask();
  void invertMask();
  // Flood fill of the 4-connected region of the pixel's colour (OpenCV's floodFill).
  void fill(QPoint pixel, const QColor& color);

  // A stroke: begin, any number of moves, end (one undo step). Mask strokes paint with
  // `color` white (repaint) or black (keep).
  void beginStroke(Layer layer, QPoint pixel, const QColor& color, int size);
  void continueStroke(QPoint pixel);
  void endStroke();
  bool stroking() const { return stroke_layer_.has_value(); }

 Q_SIGNALS:
  // Something visible changed (also mid-stroke).
  void changed();
  // An edit is complete: a stroke ended, a fill, a new picture, an undo or a redo.
  void edited();

 private:
  struct State {
    QImage picture;
    QImage mask;  // RGB32 like the picture (QPainter's fast path); red channel is the level
    QString source;
  };
  class Edit;

  State state() const { return {picture_, mask_, source_}; }
  void restore(const State& state);
  void push(const QString& text, const State& before);
  void paintLine(QPoint from, QPoint to);

  QUndoStack* undo_;
  QImage picture_;
  QImage mask_;
  QString source_;
  std::optional<Layer> stroke_layer_;
  State stroke_before_;
  QColor stroke_color_;
  int stroke_size_ = 1;
  QPoint stroke_last_;
};

}  // namespace emergence::ui
