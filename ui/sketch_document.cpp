#include "sketch_document.h"

#include <QPainter>
#include <QUndoStack>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace emergence::ui {

// One undo step: the document before and after (images are implicitly shared, so a step costs
// the pixels it changed at most twice over).
class SketchDocument::Edit : public QUndoCommand {
 public:
  Edit(SketchDocument* document, const QString& text, State before, State after)
      : QUndoCommand(text),
        document_(document),
        before_(std::move(before)),
        after_(std::move(after)) {}

  void undo() override { document_->restore(before_); }
  void redo() override {
    if (first_) {
      first_ = false;  // already applied when pushed
      return;
    }
    document_->restore(after_);
  }

 private:
  SketchDocument* document_;
  State before_;
  State after_;
  bool first_ = true;
};

SketchDocument::SketchDocument(QObject* parent) : QObject(parent), undo_(new QUndoStack(this)) {}

SketchDocument::~SketchDocument() = default;

QImage SketchDocument::mask() const {
  if (!hasMask()) {
    return {};
  }
  return mask_.convertToFormat(QImage::Format_Grayscale8);
}

bool SketchDocument::hasMask() const {
  if (mask_.isNull()) {
    return false;
  }
  for (int y = 0; y < mask_.height(); ++y) {
    const auto* row = reinterpret_cast<const QRgb*>(mask_.constScanLine(y));
    for (int x = 0; x < mask_.width(); ++x) {
      if (qRed(row[x]) != 0) {
        return true;
      }
    }
  }
  return false;
}

QImage SketchDocument::overlaid() const {
  if (picture_.isNull() || !hasMask()) {
    return picture_;
  }
  QImage out = picture_.copy();
  for (int y = 0; y < out.height(); ++y) {
    auto* row = reinterpret_cast<QRgb*>(out.scanLine(y));
    const auto* m = reinterpret_cast<const QRgb*>(mask_.constScanLine(y));
    for (int x = 0; x < out.width(); ++x) {
      // Up to half-way to magenta where the mask repaints.
      const double a = qRed(m[x]) / 255.0 * 0.5;
      row[x] = qRgb(int(qRed(row[x]) * (1 - a) + 255 * a), int(qGreen(row[x]) * (1 - a)),
                    int(qBlue(row[x]) * (1 - a) + 255 * a));
    }
  }
  return out;
}

void SketchDocument::restore(const State& state) {
  picture_ = state.picture;
  mask_ = state.mask;
  source_ = state.source;
  Q_EMIT changed();
  Q_EMIT edited();
}

void SketchDocument::push(const QString& text, const State& before) {
  undo_->push(new Edit(this, text, before, state()));
  Q_EMIT changed();
  Q_EMIT edited();
}

void SketchDocument::setPicture(const QImage& picture, const QString& source,
                                const QString& action_text) {
  const State before = state();
  picture_ = picture.convertToFormat(QImage::Format_RGB32);
  mask_ = QImage(picture_.size(), QImage::Format_RGB32);
  mask_.fill(Qt::black);
  source_ = source;
  push(action_text, before);
}

void SketchDocument::removePicture() {
  if (!hasPicture()) {
    return;
  }
  const State before = state();
  picture_ = QImage();
  mask_ = QImage();
  source_.clear();
  push(tr("Remove Start Image"), before);
}

void SketchDocument::clearMask() {
  if (!hasMask()) {
    return;
  }
  const State before = state();
  mask_ = mask_.copy();
  mask_.fill(Qt::black);
  push(tr("Clear Mask"), before);
}

void SketchDocument::invertMask() {
  if (!hasPicture()) {
    return;
  }
  const State before = state();
  mask_ = mask_.copy();
  mask_.invertPixels(QImage::InvertRgb);
  push(tr("Invert Mask"), before);
}

void SketchDocument::fill(QPoint pixel, const QColor& color) {
  if (!hasPicture() || !picture_.rect().contains(pixel)) {
    return;
  }
  const State before = state();
  // floodFill takes 1 or 3 channels: fill an RGB888 copy, R, G, B in memory.
  QImage rgb = picture_.convertToFormat(QImage::Format_RGB888);
  cv::Mat pixels(rgb.height(), rgb.width(), CV_8UC3, rgb.bits(),
                 static_cast<size_t>(rgb.bytesPerLine()));
  cv::floodFill(pixels, cv::Point(pixel.x(), pixel.y()),
                cv::Scalar(color.red(), color.green(), color.blue()), nullptr, cv::Scalar::all(0),
                cv::Scalar::all(0), 4 | cv::FLOODFILL_FIXED_RANGE);
  picture_ = rgb.convertToFormat(QImage::Format_RGB32);
  push(tr("Fill"), before);
}

void SketchDocument::beginStroke(Layer layer, QPoint pixel, const QColor& color, int size) {
  if (!hasPicture()) {
    return;
  }
  stroke_before_ = state();
  stroke_layer_ = layer;
  stroke_color_ = color;
  stroke_size_ = std::max(1, size);
  stroke_last_ = pixel;
  // Detach once: the undo step keeps the images as they were.
  (layer == Layer::Picture ? picture_ : mask_) =
      (layer == Layer::Picture ? picture_ : mask_).copy();
  paintLine(pixel, pixel);
}

void SketchDocument::continueStroke(QPoint pixel) {
  if (!stroke_layer_ || pixel == stroke_last_) {
    return;
  }
  paintLine(stroke_last_, pixel);
  stroke_last_ = pixel;
}

void SketchDocument::endStroke() {
  if (!stroke_layer_) {
    return;
  }
  const Layer layer = *stroke_layer_;
  stroke_layer_.reset();
  push(layer == Layer::Picture ? tr("Brush Stroke") : tr("Mask Stroke"), stroke_before_);
}

void SketchDocument::paintLine(QPoint from, QPoint to) {
  QImage& target = *stroke_layer_ == Layer::Picture ? picture_ : mask_;
  QPainter painter(&target);
  // A square brush centred on each pixel of the line, stamped at every pixel step: size 1 is
  // exactly one pixel, and fast strokes leave no gaps.
  const QPoint corner(-(stroke_size_ - 1) / 2, -(stroke_size_ - 1) / 2);
  const QPoint d = to - from;
  const int n = std::max(std::abs(d.x()), std::abs(d.y()));
  for (int i = 0; i <= n; ++i) {
    const QPoint p = n == 0 ? from
                            : from + QPoint(int(std::lround(double(d.x()) * i / n)),
                                            int(std::lround(double(d.y()) * i / n)));
    painter.fillRect(QRect(p + corner, QSize(stroke_size_, stroke_size_)), stroke_color_);
  }
  Q_EMIT changed();
}

}  // namespace emergence::ui
