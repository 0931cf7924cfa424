#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "core/media/spectrum_snapshot.h"

namespace emergence::ui {

// Log-log RAPSD of one step: x̂0 and x_t of that step, the final (reference) image's curve, the
// step's flat noise floor and the cutoff where the floor meets the data, over shaded bands.
// Hovering reads out frequency (cycles/pixel), band and each curve's power in dB.
class SpectrumPlot : public QWidget {
  Q_OBJECT

 public:
  explicit SpectrumPlot(QWidget* parent = nullptr);

  void setSnapshot(std::shared_ptr<const SpectralSnapshot> snapshot);
  void setCurrentStep(int step);
  QSize sizeHint() const override { return {420, 260}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  QRectF plotArea() const;
  double xOf(double frequency) const;
  double yOf(double decibels) const;
  int stepRow() const;
  void updatePowerRange();
  void drawAxes(QPainter& p) const;
  void drawBands(QPainter& p) const;
  void drawCurve(QPainter& p, const std::vector<float>& power, const QPen& pen) const;
  void drawFloorAndCutoff(QPainter& p, int row) const;
  void drawLegend(QPainter& p) const;
  void drawReadout(QPainter& p, int row) const;

  std::shared_ptr<const SpectralSnapshot> snapshot_;
  int step_ = 0;
  double min_db_ = -60.0;
  double max_db_ = 20.0;
  int hover_bin_ = -1;
};

}  // namespace emergence::ui
