#pragma once

#include <QImage>
#include <QWidget>
#include <memory>

#include "core/media/spectrum_snapshot.h"

namespace emergence::ui {

// Lock-in heatmap: steps left to right, bands bottom (coarse) to top (fine), colour = how settled
// the band is (correlation with the final image). A white tick marks each band's emergence step
// and a vertical line the current step; hovering reads out step, band and lock-in, and clicking or
// dragging picks a step.
class LockinHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit LockinHeatmap(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const SpectralSnapshot> snapshot);
  void setCurrentStep(int step);
  QSize sizeHint() const override { return {420, 170}; }
  // Colour of a lock-in value (clamped to [0, 1]) on a viridis-like scale.
  static QColor colorOf(float lockin);

 Q_SIGNALS:
  void stepPicked(int step);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  QRectF mapArea() const;
  int columns() const;
  int columnAt(double x) const;
  int bandAt(double y) const;
  void rebuildImage();
  void drawLabels(QPainter& p) const;
  void drawMarks(QPainter& p) const;
  void drawReadout(QPainter& p) const;

  std::shared_ptr<const SpectralSnapshot> snapshot_;
  QImage image_;  // one pixel per (step, band), band 0 in the bottom row
  int step_ = 0;
  int hover_step_ = -1;
  int hover_band_ = -1;
};

}  // namespace emergence::ui
