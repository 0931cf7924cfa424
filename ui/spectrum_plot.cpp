#include "spectrum_plot.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace emergence::ui {
namespace {

const QColor kX0Color(31, 119, 180);
const QColor kXtColor(255, 127, 14);
const QColor kFloorColor(214, 39, 40);

double decibels(double power) { return 10.0 * std::log10(power); }

QString frequencyText(double f) { return QString::number(f, 'g', 3); }

}  // namespace

SpectrumPlot::SpectrumPlot(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(220, 160);
}

void SpectrumPlot::setSnapshot(std::shared_ptr<const SpectralSnapshot> snapshot) {
  snapshot_ = std::move(snapshot);
  updatePowerRange();
  update();
}

void SpectrumPlot::setCurrentStep(int step) {
  step_ = step;
  update();
}

int SpectrumPlot::stepRow() const { return std::clamp(step_, 0, snapshot_->num_steps() - 1); }

void SpectrumPlot::updatePowerRange() {
  if (!snapshot_ || snapshot_->steps.empty()) {
    return;
  }
  // Fixed per snapshot so the axes stay put while scrubbing: every x̂0 curve and the last x_t.
  double lo = INFINITY, hi = -INFINITY;
  auto include = [&](const std::vector<float>& power) {
    for (float v : power) {
      if (v > 0.0f) {
        lo = std::min(lo, decibels(v));
        hi = std::max(hi, decibels(v));
      }
    }
  };
  include(snapshot_->reference_rapsd);
  include(snapshot_->steps.back()->rapsd_xt);
  for (const auto& step : snapshot_->steps) {
    include(step->rapsd_x0);
  }
  if (!std::isfinite(lo)) {
    lo = -60.0;
    hi = 20.0;
  }
  min_db_ = std::floor((lo - 3.0) / 10.0) * 10.0;
  max_db_ = std::ceil((hi + 3.0) / 10.0) * 10.0;
  if (max_db_ - min_db_ < 20.0) {
    max_db_ = min_db_ + 20.0;
  }
}

QRectF SpectrumPlot::plotArea() const {
  const QFontMetrics fm(font());
  const double left = fm.horizontalAdvance(QStringLiteral("-100 dB")) + 10.0;
  // Above: the band numbers. Below: the tick labels and the axis title, each a full line.
  const double top = fm.height() + 4.0;
  const double bottom = 2.0 * fm.height() + 8.0;
  return QRectF(left, top, width() - left - 10.0, height() - top - bottom);
}

double SpectrumPlot::xOf(double frequency) const {
  const QRectF a = plotArea();
  const double lo = std::log10(0.5 / snapshot_->size);
  const double hi = std::log10((snapshot_->size / 2 + 0.5) / snapshot_->size);
  return a.left() + (std::log10(frequency) - lo) / (hi - lo) * a.width();
}

double SpectrumPlot::yOf(double db) const {
  const QRectF a = plotArea();
  return a.bottom() - (db - min_db_) / (max_db_ - min_db_) * a.height();
}

void SpectrumPlot::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().window());
  if (!snapshot_ || snapshot_->steps.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("The spectrum appears when a run starts."));
    return;
  }
  const int row = stepRow();
  p.fillRect(plotArea(), palette().base());
  drawBands(p);
  drawAxes(p);
  p.save();
  p.setClipRect(plotArea());
  QPen finalPen(palette().color(QPalette::Text), 1.2, Qt::DashLine);
  drawCurve(p, snapshot_->reference_rapsd, finalPen);
  drawCurve(p, snapshot_->steps[row]->rapsd_xt, QPen(kXtColor, 1.6));
  drawCurve(p, snapshot_->steps[row]->rapsd_x0, QPen(kX0Color, 2.0));
  drawFloorAndCutoff(p, row);
  p.restore();
  drawLegend(p);
  drawReadout(p, row);
}

void SpectrumPlot::drawBands(QPainter& p) const {
  const QRectF a = plotArea();
  const QFontMetrics fm(font());
  for (int b = 0; b < snapshot_->num_bands(); ++b) {
    const SpectralBand& band = snapshot_->bands[b];
    const double x0 = xOf(band.low_frequency);
    const double x1 = xOf(band.high_frequency);
    if (b % 2 == 1) {
      p.fillRect(QRectF(x0, a.top(), x1 - x0, a.height()), palette().alternateBase());
    }
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(QRectF(x0, a.top() - fm.height() - 2.0, x1 - x0, fm.height()),
               Qt::AlignHCenter | Qt::AlignBottom, QString::number(b));
  }
}

void SpectrumPlot::drawAxes(QPainter& p) const {
  const QRectF a = plotArea();
  const QFontMetrics fm(font());
  const QColor text = palette().color(QPalette::Text);
  QColor grid = text;
  grid.setAlpha(40);
  for (double decade = 1e-4; decade < 1.0; decade *= 10.0) {
    for (double m : {1.0, 2.0, 5.0}) {
      const double f = m * decade;
      if (f < 0.5 / snapshot_->size || f > 0.5) {
        continue;
      }
      const double x = xOf(f);
      p.setPen(grid);
      p.drawLine(QPointF(x, a.top()), QPointF(x, a.bottom()));
      p.setPen(text);
      p.drawText(QRectF(x - 30.0, a.bottom() + 2.0, 60.0, fm.height()), Qt::AlignHCenter,
                 frequencyText(f));
    }
  }
  const double span = max_db_ - min_db_;
  const double tick = span > 120.0 ? 30.0 : span > 60.0 ? 20.0 : 10.0;
  for (double db = std::ceil(min_db_ / tick) * tick; db <= max_db_; db += tick) {
    const double y = yOf(db);
    p.setPen(grid);
    p.drawLine(QPointF(a.left(), y), QPointF(a.right(), y));
    p.setPen(text);
    p.drawText(QRectF(0.0, y - fm.height() / 2.0, a.left() - 4.0, fm.height()),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1 dB").arg(db));
  }
  p.setPen(text);
  p.drawRect(a);
  const QString title = tr("frequency in cycles/pixel: coarse on the left, fine on the right");
  const QString shortTitle = tr("frequency (cycles/pixel)");
  const QRectF titleBox(0.0, a.bottom() + fm.height() + 4.0, width(), fm.height());
  p.drawText(titleBox, Qt::AlignHCenter,
             fm.horizontalAdvance(title) + 8 <= width() ? title : shortTitle);
}

void SpectrumPlot::drawCurve(QPainter& p, const std::vector<float>& power, const QPen& pen) const {
  QPainterPath path;
  bool open = false;
  for (size_t k = 0; k < power.size() && k < snapshot_->frequencies.size(); ++k) {
    if (!(power[k] > 0.0f)) {
      open = false;
      continue;
    }
    const QPointF point(xOf(snapshot_->frequencies[k]), yOf(decibels(power[k])));
    if (open) {
      path.lineTo(point);
    } else {
      path.moveTo(point);
      open = true;
    }
  }
  p.setPen(pen);
  p.setBrush(Qt::NoBrush);
  p.drawPath(path);
}

void SpectrumPlot::drawFloorAndCutoff(QPainter& p, int row) const {
  const QRectF a = plotArea();
  const QFontMetrics fm(font());
  const double floor = snapshot_->steps[row]->noise_floor;
  if (floor > 0.0) {
    const double db = decibels(floor);
    const QString label = tr("noise floor %1 dB").arg(db, 0, 'f', 1);
    p.setPen(QPen(kFloorColor, 1.4, Qt::DashLine));
    if (db > max_db_) {
      p.drawText(QPointF(a.left() + 4.0, a.top() + fm.ascent() + 2.0), label + tr(" (above)"));
    } else if (db < min_db_) {
      p.drawText(QPointF(a.left() + 4.0, a.bottom() - 4.0), label + tr(" (below)"));
    } else {
      p.drawLine(QPointF(a.left(), yOf(db)), QPointF(a.right(), yOf(db)));
      p.drawText(QPointF(a.left() + 4.0, yOf(db) - 3.0), label);
    }
  }
  const double cutoff = snapshot_->cutoff[row];
  if (cutoff > 0.0 && cutoff < 0.5) {
    const double x = xOf(cutoff);
    p.setPen(QPen(kFloorColor, 1.2, Qt::DotLine));
    p.drawLine(QPointF(x, a.top()), QPointF(x, a.bottom()));
    // Labelled on the side with more room, at mid-height, clear of legend and read-out.
    const QString label = tr("cutoff %1").arg(frequencyText(cutoff));
    const double w = fm.horizontalAdvance(label);
    const double lx = x < a.center().x() ? x + 4.0 : x - 4.0 - w;
    p.drawText(QPointF(lx, a.top() + 0.55 * a.height()), label);
  }
}

void SpectrumPlot::drawLegend(QPainter& p) const {
  const QRectF a = plotArea();
  const QFontMetrics fm(font());
  const std::vector<std::pair<QString, QPen>> items = {
      {tr("clean guess x̂0 at step"), QPen(kX0Color, 2.0)},
      {tr("noisy image x_t at step"), QPen(kXtColor, 1.6)},
      {snapshot_->complete ? tr("final image") : tr("latest clean guess"),
       QPen(palette().color(QPalette::Text), 1.2, Qt::DashLine)},
      {tr("noise floor"), QPen(kFloorColor, 1.4, Qt::DashLine)}};
  double text_width = 0.0;
  for (const auto& item : items) {
    text_width = std::max(text_width, static_cast<double>(fm.horizontalAdvance(item.first)));
  }
  const QRectF box(a.right() - text_width - 40.0, a.top() + 4.0, text_width + 36.0,
                   items.size() * fm.height() + 6.0);
  QColor fill = palette().color(QPalette::Base);
  fill.setAlpha(215);
  p.setPen(Qt::NoPen);
  p.setBrush(fill);
  p.drawRect(box);
  double y = box.top() + 3.0 + fm.ascent();
  for (const auto& [name, pen] : items) {
    const double mid = y - fm.ascent() / 2.5;
    p.setPen(pen);
    p.drawLine(QPointF(box.left() + 4.0, mid), QPointF(box.left() + 26.0, mid));
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QPointF(box.left() + 30.0, y), name);
    y += fm.height();
  }
}

void SpectrumPlot::drawReadout(QPainter& p, int row) const {
  if (hover_bin_ < 0 || hover_bin_ >= snapshot_->num_bins()) {
    return;
  }
  const QRectF a = plotArea();
  const double f = snapshot_->frequencies[hover_bin_];
  const double x = xOf(f);
  p.setPen(QPen(palette().color(QPalette::Text), 1.0, Qt::DotLine));
  p.drawLine(QPointF(x, a.top()), QPointF(x, a.bottom()));
  const SpectralStep& step = *snapshot_->steps[row];
  auto db = [&](const std::vector<float>& power) {
    return power[hover_bin_] > 0.0f ? QString::number(decibels(power[hover_bin_]), 'f', 1)
                                    : QStringLiteral("–");
  };
  const QString text =
      tr("f %1 c/px (%2 px) · band %3 · step %4\nguess %5 dB · noisy %6 dB · %7 %8 dB")
          .arg(frequencyText(f))
          .arg(1.0 / f, 0, 'f', 1)
          .arg(snapshot_->band_of_bin(hover_bin_))
          .arg(step.index)
          .arg(db(step.rapsd_x0), db(step.rapsd_xt),
               snapshot_->complete ? tr("final") : tr("latest"), db(snapshot_->reference_rapsd));
  const QFontMetrics fm(font());
  QRectF box = fm.boundingRect(QRect(0, 0, 1000, 100), Qt::AlignLeft, text);
  box.adjust(-4, -2, 4, 2);
  box.moveBottomLeft(QPointF(a.left() + 4.0, a.bottom() - 4.0));
  QColor fill = palette().color(QPalette::ToolTipBase);
  fill.setAlpha(225);
  p.setPen(palette().color(QPalette::ToolTipText));
  p.setBrush(fill);
  p.drawRect(box);
  p.drawText(box.adjusted(4, 2, -4, -2), Qt::AlignLeft, text);
}

void SpectrumPlot::mouseMoveEvent(QMouseEvent* event) {
  hover_bin_ = -1;
  if (snapshot_ && !snapshot_->steps.empty() && plotArea().contains(event->position())) {
    double best = INFINITY;
    for (int k = 0; k < snapshot_->num_bins(); ++k) {
      const double distance = std::abs(xOf(snapshot_->frequencies[k]) - event->position().x());
      if (distance < best) {
        best = distance;
        hover_bin_ = k;
      }
    }
  }
  update();
}

void SpectrumPlot::leaveEvent(QEvent*) {
  hover_bin_ = -1;
  update();
}

}  // namespace emergence::ui
