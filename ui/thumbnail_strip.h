#pragma once

#include <QHash>
#include <QImage>
#include <QWidget>

#include "frame_images.h"

namespace emergence::ui {

class FrameStore;

// A row of small thumbnails spread evenly over the run's frames, the current one outlined.
// Clicking or dragging picks the frame under the pointer.
class ThumbnailStrip : public QWidget {
  Q_OBJECT

 public:
  explicit ThumbnailStrip(const FrameStore* store, QWidget* parent = nullptr);

  void setView(FrameView view);  // x̂0 or x_t
  void setCurrent(int frame);
  // Call after frames were appended or the store was reset.
  void framesChanged();

  QSize sizeHint() const override { return {600, 52}; }

 Q_SIGNALS:
  void framePicked(int frame);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  int frameAt(double x) const;
  const QImage& thumbnail(int frame, int size);

  const FrameStore* store_;
  FrameView view_ = FrameView::CleanGuess;
  int current_ = 0;
  int cached_count_ = 0;
  QHash<int, QImage> cache_;  // scaled thumbnails by frame index
};

}  // namespace emergence::ui
