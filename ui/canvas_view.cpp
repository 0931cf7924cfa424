#include "canvas_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace emergence::ui {
namespace {

constexpr double kMinZoom = 0.25;
constexpr double kMaxZoom = 64.0;
constexpr int kMargin = 8;

QPixmap make_checker() {
  const int cell = 8;
  QPixmap tile(2 * cell, 2 * cell);
  tile.fill(QColor(204, 204, 204));
  QPainter p(&tile);
  p.fillRect(0, 0, cell, cell, QColor(153, 153, 153));
  p.fillRect(cell, cell, cell, cell, QColor(153, 153, 153));
  return tile;
}

}  // namespace

CanvasView::CanvasView(QWidget* parent) : QWidget(parent), checker_(make_checker()) {
  setFocusPolicy(Qt::StrongFocus);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(160, 120);
}

void CanvasView::setImages(const QList<QImage>& images) {
  const bool size_changed =
      images.isEmpty() || images_.isEmpty() || images.front().size() != images_.front().size();
  images_ = images;
  if (size_changed) {
    pan_ = {};
  }
  update();
}

int CanvasView::gap() const {
  return images_.size() > 1 ? std::max(1, images_.front().width() / 16) : 0;
}

QSize CanvasView::contentSize() const {
  int width = 0;
  int height = 0;
  for (const QImage& image : images_) {
    width += image.width();
    height = std::max(height, image.height());
  }
  if (!images_.isEmpty()) {
    width += gap() * static_cast<int>(images_.size() - 1);
  }
  return {width, height};
}

double CanvasView::scale() const {
  if (!fit_) {
    return zoom_;
  }
  const QSize content = contentSize();
  if (content.isEmpty()) {
    return 1.0;
  }
  const double sx = double(width() - 2 * kMargin) / content.width();
  const double sy = double(height() - 2 * kMargin) / content.height();
  const double s = std::max(0.01, std::min(sx, sy));
  // Whole multiples keep every image pixel the same size on screen.
  return s >= 1.0 ? std::floor(s) : s;
}

void CanvasView::fitToWindow() {
  fit_ = true;
  pan_ = {};
  update();
  Q_EMIT zoomChanged(scale(), fit_);
}

void CanvasView::setZoom(double factor) {
  fit_ = false;
  zoom_ = std::clamp(factor, kMinZoom, kMaxZoom);
  update();
  Q_EMIT zoomChanged(zoom_, fit_);
}

void CanvasView::zoomIn() {
  const double s = scale();
  setZoom(s >= 1.0 ? std::floor(s) + 1.0 : s * 2.0);
}

void CanvasView::zoomOut() {
  const double s = scale();
  setZoom(s > 1.0 ? std::ceil(s) - 1.0 : s / 2.0);
}

void CanvasView::setPaintTarget(int index) {
  paint_target_ = index;
  setCursor(index >= 0 ? Qt::CrossCursor : Qt::ArrowCursor);
  update();
}

QRectF CanvasView::imageRect(int index) const {
  if (index < 0 || index >= images_.size()) {
    return {};
  }
  const QSize content = contentSize();
  const double s = scale();
  const QPointF origin =
      QPointF(width() - content.width() * s, height() - content.height() * s) / 2 + pan_;
  double x = origin.x();
  for (int i = 0; i < index; ++i) {
    x += (images_[i].width() + gap()) * s;
  }
  const QImage& image = images_[index];
  return QRectF(x, origin.y() + (content.height() - image.height()) * s / 2, image.width() * s,
                image.height() * s);
}

QPoint CanvasView::pixelCentre(int index, QPoint pixel) const {
  const QRectF r = imageRect(index);
  const double s = scale();
  return QPoint(int(r.left() + (pixel.x() + 0.5) * s), int(r.top() + (pixel.y() + 0.5) * s));
}

QPoint CanvasView::pixelAt(QPointF position) const {
  const QRectF target = imageRect(paint_target_);
  const QSize size = images_[paint_target_].size();
  const double s = scale();
  const int x = static_cast<int>(std::floor((position.x() - target.left()) / s));
  const int y = static_cast<int>(std::floor((position.y() - target.top()) / s));
  return {std::clamp(x, 0, size.width() - 1), std::clamp(y, 0, size.height() - 1)};
}

void CanvasView::drawGrid(QPainter& painter, const QRectF& target, QSize pixels) const {
  const double s = scale();
  if (s < kGridScale) {
    return;
  }
  painter.save();
  painter.setPen(QPen(QColor(128, 128, 128, 90), 0));
  for (int x = 1; x < pixels.width(); ++x) {
    painter.drawLine(QPointF(target.left() + x * s, target.top()),
                     QPointF(target.left() + x * s, target.bottom()));
  }
  for (int y = 1; y < pixels.height(); ++y) {
    painter.drawLine(QPointF(target.left(), target.top() + y * s),
                     QPointF(target.right(), target.top() + y * s));
  }
  painter.restore();
}

void CanvasView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Dark));
  const QSize content = contentSize();
  if (content.isEmpty()) {
    painter.setPen(palette().color(QPalette::BrightText));
    painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                     tr("Press Generate (Ctrl+G) to watch an image emerge from noise"));
    return;
  }
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
  for (int i = 0; i < images_.size(); ++i) {
    const QImage& image = images_[i];
    const QRectF target = imageRect(i);
    if (image.hasAlphaChannel()) {
      painter.drawTiledPixmap(target, checker_);
    }
    painter.drawImage(target, image);
    if (i == paint_target_) {
      drawGrid(painter, target, image.size());
    }
  }
}

void CanvasView::wheelEvent(QWheelEvent* event) {
  if (event->angleDelta().y() > 0) {
    zoomIn();
  } else if (event->angleDelta().y() < 0) {
    zoomOut();
  }
  event->accept();
}

void CanvasView::mousePressEvent(QMouseEvent* event) {
  setFocus();
  const bool on_target = imageRect(paint_target_).contains(event->position());
  if (event->button() == Qt::LeftButton && on_target) {
    stroking_ = true;
    Q_EMIT strokeStarted(pixelAt(event->position()));
    return;
  }
  if ((event->button() == Qt::LeftButton && paint_target_ < 0 && !fit_) ||
      event->button() == Qt::MiddleButton) {
    dragging_ = true;
    drag_origin_ = event->position() - pan_;
    setCursor(Qt::ClosedHandCursor);
  }
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
  if (stroking_ && paint_target_ >= 0 && paint_target_ < images_.size()) {
    Q_EMIT strokeMoved(pixelAt(event->position()));
  } else if (dragging_) {
    pan_ = event->position() - drag_origin_;
    update();
  }
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
  if (stroking_ && event->button() == Qt::LeftButton) {
    stroking_ = false;
    Q_EMIT strokeFinished();
    return;
  }
  dragging_ = false;
  setCursor(paint_target_ >= 0 ? Qt::CrossCursor : Qt::ArrowCursor);
}

}  // namespace emergence::ui
