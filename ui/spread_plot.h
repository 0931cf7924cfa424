#pragma once

#include <QStringList>
#include <QWidget>
#include <vector>

namespace emergence::ui {

// One fan-out's spread against the branch step (core/media/fan_out.h), plain numbers so that no
// torch type reaches the widgets.
struct SpreadSeries {
  std::vector<int> steps;
  std::vector<double> sigmas;
  std::vector<double> pixel_std;              // per step
  std::vector<std::vector<double>> band_std;  // per step, per band
  QStringList band_names;                     // "0.016–0.047 c/px"
};

// The spread as lines: the overall one bold, each band thin from blue (coarse) to red (fine).
// Hovering reads out the values at the nearest step.
class SpreadPlot : public QWidget {
  Q_OBJECT

 public:
  explicit SpreadPlot(QWidget* parent = nullptr);
  void setSeries(const SpreadSeries& series);
  const SpreadSeries& series() const { return series_; }
  // The read-out for the step nearest x (a widget coordinate); empty without data.
  QString readOut(int x) const;
  QSize sizeHint() const override { return {420, 260}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  QRectF plotArea() const;
  int nearestPoint(int x) const;

  SpreadSeries series_;
};

}  // namespace emergence::ui
