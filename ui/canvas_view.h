#pragma once

#include <QImage>
#include <QList>
#include <QPointF>
#include <QWidget>

namespace emergence::ui {

// The large image view: nearest-neighbour scaling so tiny model outputs stay crisp, a
// checkerboard under transparent pixels, fit / 1:1 / ×N zoom, wheel zoom and drag to pan.
// Several images (x_t | x̂0) are laid out side by side at the same scale.
class CanvasView : public QWidget {
  Q_OBJECT

 public:
  explicit CanvasView(QWidget* parent = nullptr);

  void setImages(const QList<QImage>& images);
  const QList<QImage>& images() const { return images_; }
  // Screen pixels per image pixel now (in fit mode, whatever fits).
  double scale() const;
  bool fitsWindow() const { return fit_; }

  QSize sizeHint() const override { return {640, 480}; }

  // Painting: with a target image (its index in images(), -1 for none) the left button paints
  // on it and emits the stroke in its pixel coordinates; the middle button always pans.
  void setPaintTarget(int index);
  int paintTarget() const { return paint_target_; }
  // Pixel grid over the paint target once a pixel is at least this many screen pixels wide.
  static constexpr double kGridScale = 6.0;
  // Where image `index` is drawn, in widget coordinates (empty when there is none).
  QRectF imageRect(int index) const;
  // The widget position of the centre of pixel `pixel` of image `index`.
  QPoint pixelCentre(int index, QPoint pixel) const;

 public Q_SLOTS:
  void fitToWindow();
  void zoomIn();
  void zoomOut();
  void setZoom(double factor);  // ×factor, e.g. 1 for 1:1

 Q_SIGNALS:
  void zoomChanged(double scale, bool fit);
  void strokeStarted(QPoint pixel);
  void strokeMoved(QPoint pixel);
  void strokeFinished();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QSize contentSize() const;  // in image pixels, gaps included
  int gap() const;
  QPoint pixelAt(QPointF position) const;  // in the paint target, clamped to it
  void drawGrid(QPainter& painter, const QRectF& target, QSize pixels) const;

  QList<QImage> images_;
  bool fit_ = true;
  double zoom_ = 1.0;
  QPointF pan_;
  QPointF drag_origin_;
  bool dragging_ = false;
  bool stroking_ = false;
  int paint_target_ = -1;
  QPixmap checker_;
};

}  // namespace emergence::ui
