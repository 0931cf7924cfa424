#pragma once

#include <QPointF>
#include <QVector>
#include <QWidget>
#include <vector>

namespace emergence::ui {

// The loss axis for losses in [min_loss, max_loss]: its ends (on the 1-2-5 grid, or every digit
// when the range spans under a decade) just outside the range, and the grid values between them,
// labelled, at least two.
struct LossAxis {
  double low = 0.0;
  double high = 0.0;
  std::vector<double> ticks;
};
LossAxis loss_axis(double min_loss, double max_loss);

// The training loss over the steps so far, painted: a log-scaled loss axis (the loss falls by
// orders of magnitude early and creeps later), step axis from 0 to the run's last step.
class LossChart : public QWidget {
  Q_OBJECT

 public:
  explicit LossChart(QWidget* parent = nullptr);

  void setTotalSteps(int steps);
  void addPoint(int step, double loss);
  // Replaces the points (a resumed run's loss.csv); x = step, y = loss.
  void setPoints(const QVector<QPointF>& points);
  void clear();
  const QVector<QPointF>& points() const { return points_; }
  QSize sizeHint() const override { return {420, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QVector<QPointF> points_;
  int total_steps_ = 1;
};

}  // namespace emergence::ui
