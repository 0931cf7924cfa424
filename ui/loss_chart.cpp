#include "loss_chart.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <vector>

namespace emergence::ui {
namespace {

constexpr int kMaxPoints = 4000;  // beyond that every other point goes (the curve looks the same)

QString short_number(double value) {
  return value >= 0.01 ? QString::number(value, 'g', 2) : QString::number(value, 'e', 0);
}

}  // namespace

LossAxis loss_axis(double min_loss, double max_loss) {
  const double low = std::max(min_loss, 1e-9);  // a log axis; losses are positive
  const double high = std::max(max_loss, low);
  // Grid lines at 1, 2, 5 times the decades the range spans, at every digit when it spans less
  // than one; the axis reaches out to the grid lines just below and above the curve, so at
  // least two are labelled.
  const std::vector<double> digits = std::log10(high) - std::log10(low) < 1.0
                                         ? std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}
                                         : std::vector<double>{1, 2, 5};
  const auto decade_of = [](double value) { return std::pow(10.0, std::floor(std::log10(value))); };
  const auto grid_above = [&](double value) {
    for (const double m : digits) {
      if (m * decade_of(value) >= value) {
        return m * decade_of(value);
      }
    }
    return 10.0 * decade_of(value);
  };
  LossAxis axis;
  axis.low = decade_of(low);
  for (const double m : digits) {
    if (m * decade_of(low) <= low) {
      axis.low = m * decade_of(low);
    }
  }
  axis.high = grid_above(high);
  if (axis.high <= axis.low * 1.001) {  // one value: the axis reaches the next grid line
    axis.high = grid_above(axis.low * 1.001);
  }
  constexpr double kTolerance = 1e-9;  // grid values computed by pow() land a rounding off
  for (int decade = static_cast<int>(std::floor(std::log10(axis.low)));
       decade <= static_cast<int>(std::ceil(std::log10(axis.high))); ++decade) {
    for (const double m : digits) {
      const double value = m * std::pow(10.0, decade);
      if (value >= axis.low * (1 - kTolerance) && value <= axis.high * (1 + kTolerance)) {
        axis.ticks.push_back(value);
      }
    }
  }
  return axis;
}

LossChart::LossChart(QWidget* parent) : QWidget(parent) {
  setMinimumSize(240, 140);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void LossChart::setTotalSteps(int steps) {
  total_steps_ = std::max(1, steps);
  update();
}

void LossChart::addPoint(int step, double loss) {
  if (!(loss > 0.0) || !std::isfinite(loss)) {
    return;
  }
  if (!points_.isEmpty() && step <= points_.last().x()) {
    // A resumed run repeats nothing, but a restarted one begins again: keep the curve monotone.
    while (!points_.isEmpty() && points_.last().x() >= step) {
      points_.removeLast();
    }
  }
  points_.append(QPointF(step, loss));
  if (points_.size() > kMaxPoints) {
    QVector<QPointF> thinned;
    for (int i = 0; i < points_.size(); i += 2) {
      thinned.append(points_[i]);
    }
    points_ = thinned;
  }
  update();
}

void LossChart::setPoints(const QVector<QPointF>& points) {
  points_.clear();
  for (const QPointF& p : points) {
    addPoint(static_cast<int>(p.x()), p.y());
  }
  update();
}

void LossChart::clear() {
  points_.clear();
  update();
}

void LossChart::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const QPalette& pal = palette();
  painter.fillRect(rect(), pal.base());
  const QFontMetrics metrics(font());
  const QRectF plot =
      QRectF(rect()).adjusted(metrics.horizontalAdvance(QStringLiteral("0.0000")) + 10,
                              metrics.height() + 4, -12, -metrics.height() - 10);
  painter.setPen(pal.color(QPalette::Mid));
  painter.drawRect(plot);
  painter.setPen(pal.color(QPalette::Text));
  painter.drawText(QRectF(plot.left(), 0, plot.width(), metrics.height() + 2),
                   Qt::AlignLeft | Qt::AlignVCenter, tr("Loss (smoothed, log scale)"));
  painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), metrics.height()),
                   Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
  // The step axis grows with the run (to its last step), so that the early curve is not a
  // sliver at the left edge of a long run.
  const double last_step = points_.isEmpty() ? 0.0 : points_.last().x();
  const double x_end = std::min<double>(total_steps_, std::max(20.0, last_step * 1.25));
  painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), metrics.height()),
                   Qt::AlignRight | Qt::AlignTop,
                   x_end >= total_steps_ ? tr("step %1 (end)").arg(total_steps_)
                                         : tr("step %1").arg(static_cast<int>(x_end)));
  if (points_.isEmpty()) {
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(plot, Qt::AlignCenter, tr("The loss appears here once training starts"));
    return;
  }
  double low = points_.first().y();
  double high = low;
  for (const QPointF& p : points_) {
    low = std::min(low, p.y());
    high = std::max(high, p.y());
  }
  const LossAxis axis = loss_axis(low, high);
  const double log_low = std::log10(axis.low);
  const double log_high = std::log10(axis.high);
  const auto x_of = [&](double step) { return plot.left() + plot.width() * step / x_end; };
  const auto y_of = [&](double loss) {
    return plot.bottom() - plot.height() * (std::log10(loss) - log_low) / (log_high - log_low);
  };
  for (const double value : axis.ticks) {
    const double y = y_of(value);
    painter.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DotLine));
    painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRectF(0, y - metrics.height() / 2.0, plot.left() - 4, metrics.height()),
                     Qt::AlignRight | Qt::AlignVCenter, short_number(value));
  }
  QPainterPath path;
  path.moveTo(x_of(points_.first().x()), y_of(points_.first().y()));
  for (const QPointF& p : points_) {
    path.lineTo(x_of(p.x()), y_of(p.y()));
  }
  painter.setClipRect(plot.adjusted(-1, -1, 1, 1));
  painter.setPen(QPen(pal.color(QPalette::Highlight), 1.6));
  painter.drawPath(path);
  const QPointF last(x_of(points_.last().x()), y_of(points_.last().y()));
  painter.setBrush(pal.color(QPalette::Highlight));
  painter.drawEllipse(last, 3, 3);
}

}  // namespace emergence::ui
