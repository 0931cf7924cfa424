#include "spread_plot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace emergence::ui {

SpreadPlot::SpreadPlot(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(260, 180);
  setToolTip(
      tr("How far the final images of branches taken at each step still disagree: early "
         "branches differ, late ones agree. Blue: coarse bands, red: fine ones."));
}

void SpreadPlot::setSeries(const SpreadSeries& series) {
  series_ = series;
  update();
}

QRectF SpreadPlot::plotArea() const { return QRectF(rect()).adjusted(48, 12, -12, -36); }

int SpreadPlot::nearestPoint(int x) const {
  if (series_.steps.empty()) {
    return -1;
  }
  const QRectF area = plotArea();
  const int first = series_.steps.front();
  const int last = std::max(series_.steps.back(), first + 1);
  const double step = first + (x - area.left()) / area.width() * (last - first);
  int best = 0;
  for (size_t i = 1; i < series_.steps.size(); ++i) {
    if (std::abs(series_.steps[i] - step) < std::abs(series_.steps[best] - step)) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

QString SpreadPlot::readOut(int x) const {
  const int i = nearestPoint(x);
  if (i < 0) {
    return {};
  }
  QString text = tr("Branched at step %1 (σ %2): spread %3")
                     .arg(series_.steps[i])
                     .arg(series_.sigmas[i], 0, 'g', 3)
                     .arg(series_.pixel_std[i], 0, 'f', 4);
  for (int b = 0; b < series_.band_names.size() && b < int(series_.band_std[i].size()); ++b) {
    text += QStringLiteral("\n  %1: %2")
                .arg(series_.band_names[b])
                .arg(series_.band_std[i][b], 0, 'f', 4);
  }
  return text;
}

void SpreadPlot::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), palette().base());
  const QRectF area = plotArea();
  painter.setPen(palette().color(QPalette::Mid));
  painter.drawRect(area);
  painter.setPen(palette().color(QPalette::Text));
  if (series_.steps.empty()) {
    painter.drawText(area, Qt::AlignCenter, tr("The spread appears as the branches finish."));
    return;
  }
  double top = 0;
  for (size_t i = 0; i < series_.steps.size(); ++i) {
    top = std::max(top, series_.pixel_std[i]);
    for (double v : series_.band_std[i]) {
      top = std::max(top, v);
    }
  }
  top = top > 0 ? top * 1.1 : 1.0;
  const int first = series_.steps.front();
  const int last = std::max(series_.steps.back(), first + 1);
  const auto at = [&](int step, double value) {
    return QPointF(area.left() + (step - first) * area.width() / (last - first),
                   area.bottom() - value / top * area.height());
  };
  const auto draw_line = [&](const auto& value_of, const QPen& pen) {
    QPainterPath path;
    for (size_t i = 0; i < series_.steps.size(); ++i) {
      const QPointF p = at(series_.steps[i], value_of(i));
      i == 0 ? path.moveTo(p) : path.lineTo(p);
      painter.setPen(pen);
      painter.drawEllipse(p, 2.5, 2.5);
    }
    painter.setPen(pen);
    painter.drawPath(path);
  };
  const int bands = series_.band_names.size();
  for (int b = 0; b < bands; ++b) {
    const double t = bands > 1 ? double(b) / (bands - 1) : 0.0;
    const QColor colour = QColor::fromHsvF(0.66 * (1.0 - t), 0.8, 0.85);
    draw_line(
        [&](size_t i) {
          return b < int(series_.band_std[i].size()) ? series_.band_std[i][b] : 0.0;
        },
        QPen(colour, 1.2));
  }
  draw_line([&](size_t i) { return series_.pixel_std[i]; },
            QPen(palette().color(QPalette::Text), 2.5));
  painter.setPen(palette().color(QPalette::Text));
  painter.drawText(
      QRectF(0, area.bottom() + 4, width(), 28), Qt::AlignHCenter | Qt::AlignTop,
      tr("branch step %1 … %2 · black: all · blue → red: coarse → fine").arg(first).arg(last));
  painter.drawText(QRectF(0, area.top() - 4, 46, 20), Qt::AlignRight, QString::number(top, 'f', 3));
  painter.drawText(QRectF(0, area.bottom() - 14, 46, 20), Qt::AlignRight, QStringLiteral("0"));
}

void SpreadPlot::mouseMoveEvent(QMouseEvent* event) {
  const QString text = readOut(int(event->position().x()));
  if (!text.isEmpty()) {
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
  }
}

}  // namespace emergence::ui
