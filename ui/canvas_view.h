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

 public Q_SLOTS:
  void fitToWindow();
  void zoomIn();
  void zoomOut();
  void setZoom(double factor);  // ×factor, e.g. 1 for 1:1

 Q_SIGNALS:
  void zoomChanged(double scale, bool fit);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  QSize contentSize() const;  // in image pixels, gaps included
  int gap() const;

  QList<QImage> images_;
  bool fit_ = true;
  double zoom_ = 1.0;
  QPointF pan_;
  QPointF drag_origin_;
  bool dragging_ = false;
  QPixmap checker_;
};

}  // namespace emergence::ui
