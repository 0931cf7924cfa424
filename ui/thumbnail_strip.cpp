#include "thumbnail_strip.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "frame_store.h"

namespace emergence::ui {

ThumbnailStrip::ThumbnailStrip(const FrameStore* store, QWidget* parent)
    : QWidget(parent), store_(store) {
  setMinimumHeight(40);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ThumbnailStrip::setView(FrameView view) {
  view_ = view;
  cache_.clear();
  update();
}

void ThumbnailStrip::setCurrent(int frame) {
  current_ = frame;
  update();
}

void ThumbnailStrip::framesChanged() {
  // A shorter store means a new run: its frames share indices with the old ones.
  if (store_->count() < cached_count_) {
    cache_.clear();
  }
  cached_count_ = store_->count();
  update();
}

const QImage& ThumbnailStrip::thumbnail(int frame, int size) {
  auto it = cache_.find(frame);
  if (it == cache_.end() || it->height() != size) {
    const QList<QImage> images = frame_images(store_->frame(frame), view_);
    QImage scaled = images.isEmpty() ? QImage()
                                     : images.front().scaled(size, size, Qt::KeepAspectRatio,
                                                             Qt::FastTransformation);
    it = cache_.insert(frame, scaled.convertToFormat(QImage::Format_ARGB32_Premultiplied));
  }
  return *it;
}

void ThumbnailStrip::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Base));
  const int count = store_->count();
  if (count == 0) {
    return;
  }
  const int size = height() - 6;
  const int slots = std::max(1, width() / (size + 4));
  const int shown = std::min(count, slots);
  const double pitch = double(width()) / shown;
  for (int j = 0; j < shown; ++j) {
    const int frame =
        shown == 1 ? count - 1 : int(std::lround(double(j) * (count - 1) / (shown - 1)));
    const QImage& image = thumbnail(frame, size);
    const QPointF top_left(j * pitch + (pitch - image.width()) / 2, 3);
    painter.drawImage(top_left, image);
  }
  // The current frame's place on the same axis as the slider above.
  const double x = count == 1 ? width() / 2.0 : (current_ + 0.5) * width() / double(count);
  painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
  painter.drawLine(QPointF(x, 0), QPointF(x, height()));
}

int ThumbnailStrip::frameAt(double x) const {
  const int count = store_->count();
  return std::clamp(int(x / std::max(1, width()) * count), 0, std::max(0, count - 1));
}

void ThumbnailStrip::mousePressEvent(QMouseEvent* event) {
  if (store_->count() > 0) {
    Q_EMIT framePicked(frameAt(event->position().x()));
  }
}

void ThumbnailStrip::mouseMoveEvent(QMouseEvent* event) {
  if ((event->buttons() & Qt::LeftButton) && store_->count() > 0) {
    Q_EMIT framePicked(frameAt(event->position().x()));
  }
}

}  // namespace emergence::ui
