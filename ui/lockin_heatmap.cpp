#include "lockin_heatmap.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QStringList>
#include <algorithm>
#include <array>
#include <cmath>

namespace emergence::ui {
namespace {

// Viridis anchor colours (matplotlib's, sampled at 0, ¼, ½, ¾, 1).
constexpr std::array<std::array<int, 3>, 5> kViridis = {
    {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}}};

QString bandRange(const SpectralBand& band) {
  return QStringLiteral("%1–%2 c/px")
      .arg(band.low_frequency, 0, 'g', 3)
      .arg(band.high_frequency, 0, 'g', 3);
}

}  // namespace

LockinHeatmap::LockinHeatmap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(260, 110);
}

QColor LockinHeatmap::colorOf(float lockin) {
  const double v = std::clamp(static_cast<double>(lockin), 0.0, 1.0) * (kViridis.size() - 1);
  const int i = std::min(static_cast<int>(v), static_cast<int>(kViridis.size()) - 2);
  const double t = v - i;
  auto mix = [&](int c) {
    return static_cast<int>(
        std::lround(kViridis[i][c] + t * (kViridis[i + 1][c] - kViridis[i][c])));
  };
  return QColor(mix(0), mix(1), mix(2));
}

void LockinHeatmap::setSnapshot(std::shared_ptr<const SpectralSnapshot> snapshot) {
  snapshot_ = std::move(snapshot);
  rebuildImage();
  update();
}

void LockinHeatmap::setCurrentStep(int step) {
  step_ = step;
  update();
}

int LockinHeatmap::columns() const {
  return std::max(snapshot_->total_calls + 1, snapshot_->num_steps());
}

void LockinHeatmap::rebuildImage() {
  if (!snapshot_ || snapshot_->steps.empty() || snapshot_->bands.empty()) {
    image_ = QImage();
    return;
  }
  const int bands = snapshot_->num_bands();
  image_ = QImage(columns(), bands, QImage::Format_RGB32);
  image_.fill(palette().color(QPalette::Base));
  for (int i = 0; i < snapshot_->num_steps(); ++i) {
    for (int b = 0; b < bands; ++b) {
      image_.setPixelColor(i, bands - 1 - b, colorOf(snapshot_->lockin_at(i, b)));
    }
  }
}

QRectF LockinHeatmap::mapArea() const {
  const QFontMetrics fm(font());
  const double left = fm.horizontalAdvance(QStringLiteral("band 88")) + 8.0;
  const double right = fm.horizontalAdvance(QStringLiteral("1.0")) + 22.0;
  return QRectF(left, 4.0, width() - left - right, height() - 4.0 - 2.2 * fm.height());
}

int LockinHeatmap::columnAt(double x) const {
  const QRectF a = mapArea();
  return std::clamp(static_cast<int>((x - a.left()) / a.width() * columns()), 0, columns() - 1);
}

int LockinHeatmap::bandAt(double y) const {
  const QRectF a = mapArea();
  const int bands = snapshot_->num_bands();
  return std::clamp(static_cast<int>((a.bottom() - y) / a.height() * bands), 0, bands - 1);
}

void LockinHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (image_.isNull()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, tr("Band lock-in appears when a run starts."));
    return;
  }
  const QRectF a = mapArea();
  p.drawImage(a, image_);  // nearest-neighbour: one flat cell per step and band
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(palette().color(QPalette::Text));
  p.drawRect(a);
  drawLabels(p);
  drawMarks(p);
  drawReadout(p);
}

void LockinHeatmap::drawLabels(QPainter& p) const {
  const QRectF a = mapArea();
  const QFontMetrics fm(font());
  const int bands = snapshot_->num_bands();
  const double cell = a.height() / bands;
  p.setPen(palette().color(QPalette::Text));
  for (int b = 0; b < bands; ++b) {
    const double y = a.bottom() - (b + 0.5) * cell;
    if (cell >= fm.height() * 0.8 || b % 2 == 0) {
      p.drawText(QRectF(0.0, y - fm.height() / 2.0, a.left() - 4.0, fm.height()),
                 Qt::AlignRight | Qt::AlignVCenter, tr("band %1").arg(b));
    }
  }
  // Step ticks at round numbers, about one per 60 px.
  const int cols = columns();
  const double wanted = std::max(1.0, cols * 60.0 / std::max(1.0, a.width()));
  const double magnitude = std::pow(10.0, std::floor(std::log10(wanted)));
  const double tick = wanted <= magnitude       ? magnitude
                      : wanted <= 2 * magnitude ? 2 * magnitude
                      : wanted <= 5 * magnitude ? 5 * magnitude
                                                : 10 * magnitude;
  for (double s = 0; s < cols; s += tick) {
    const double x = a.left() + (s + 0.5) / cols * a.width();
    p.drawLine(QPointF(x, a.bottom()), QPointF(x, a.bottom() + 3.0));
    p.drawText(QRectF(x - 30.0, a.bottom() + 3.0, 60.0, fm.height()), Qt::AlignHCenter,
               QString::number(static_cast<int>(s)));
  }
  // The longest title that fits: a narrow dock must not cut it off at both ends.
  const QStringList titles =
      snapshot_->complete
          ? QStringList{tr("step · colour: how closely each band of the clean guess matches the "
                           "final image"),
                        tr("step · colour: match with the final image"), tr("step")}
          : QStringList{tr("step · colour: how closely each band of the clean guess matches the "
                           "latest guess"),
                        tr("step · colour: match with the latest guess"), tr("step")};
  QString title = titles.back();
  for (const QString& candidate : titles) {
    if (fm.horizontalAdvance(candidate) + 8 <= width()) {
      title = candidate;
      break;
    }
  }
  p.drawText(QRectF(0.0, a.bottom() + fm.height() + 2.0, width(), fm.height()), Qt::AlignHCenter,
             title);
  // Colour bar on the right: 0 at the bottom, 1 at the top.
  const QRectF bar(a.right() + 6.0, a.top(), 10.0, a.height());
  for (int y = 0; y < static_cast<int>(bar.height()); ++y) {
    p.setPen(colorOf(1.0f - static_cast<float>(y) / bar.height()));
    p.drawLine(QPointF(bar.left(), bar.top() + y), QPointF(bar.right(), bar.top() + y));
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawText(QPointF(bar.right() + 3.0, bar.top() + fm.ascent()), QStringLiteral("1"));
  p.drawText(QPointF(bar.right() + 3.0, bar.bottom()), QStringLiteral("0"));
}

void LockinHeatmap::drawMarks(QPainter& p) const {
  const QRectF a = mapArea();
  const int bands = snapshot_->num_bands();
  const double cell_w = a.width() / columns();
  const double cell_h = a.height() / bands;
  // The emergence front: each band's settling step, joined from coarse to fine.
  QPainterPath front;
  bool open = false;
  for (int b = 0; b < bands; ++b) {
    const int step =
        b < static_cast<int>(snapshot_->emergence.size()) ? snapshot_->emergence[b] : -1;
    if (step < 0) {
      open = false;
      continue;
    }
    const QPointF point(a.left() + (step + 0.5) * cell_w, a.bottom() - (b + 0.5) * cell_h);
    if (open) {
      front.lineTo(point);
    } else {
      front.moveTo(point);
    }
    open = true;
  }
  p.setBrush(Qt::NoBrush);
  p.setPen(QPen(QColor(0, 0, 0, 160), 3.0));
  p.drawPath(front);
  p.setPen(QPen(Qt::white, 1.5));
  p.drawPath(front);
  for (int b = 0; b < bands && b < static_cast<int>(snapshot_->emergence.size()); ++b) {
    const int step = snapshot_->emergence[b];
    if (step >= 0) {
      const QPointF c(a.left() + (step + 0.5) * cell_w, a.bottom() - (b + 0.5) * cell_h);
      p.setPen(QPen(Qt::black, 1.0));
      p.setBrush(Qt::white);
      p.drawEllipse(c, 3.5, 3.5);
    }
  }
  const int current = std::clamp(step_, 0, columns() - 1);
  const double x = a.left() + (current + 0.5) * cell_w;
  p.setPen(QPen(palette().color(QPalette::Highlight), 2.0));
  p.drawLine(QPointF(x, a.top()), QPointF(x, a.bottom()));
}

void LockinHeatmap::drawReadout(QPainter& p) const {
  if (hover_step_ < 0 || hover_band_ < 0) {
    return;
  }
  const SpectralBand& band = snapshot_->bands[hover_band_];
  QString text =
      tr("step %1 · band %2 (%3)").arg(hover_step_).arg(hover_band_).arg(bandRange(band));
  if (hover_step_ < snapshot_->num_steps()) {
    text += tr(" · lock-in %1").arg(snapshot_->lockin_at(hover_step_, hover_band_), 0, 'f', 3);
  }
  const int emerged = snapshot_->emergence[hover_band_];
  text += emerged >= 0 ? tr(" · settles at step %1").arg(emerged) : tr(" · not settled");
  const QFontMetrics fm(font());
  const QRectF a = mapArea();
  QRectF box(a.left() + 4.0, a.top() + 4.0, fm.horizontalAdvance(text) + 8.0, fm.height() + 4.0);
  QColor fill = palette().color(QPalette::ToolTipBase);
  fill.setAlpha(225);
  p.setPen(palette().color(QPalette::ToolTipText));
  p.setBrush(fill);
  p.drawRect(box);
  p.drawText(box, Qt::AlignCenter, text);
}

void LockinHeatmap::mouseMoveEvent(QMouseEvent* event) {
  hover_step_ = -1;
  hover_band_ = -1;
  if (!image_.isNull() && mapArea().contains(event->position())) {
    hover_step_ = columnAt(event->position().x());
    hover_band_ = bandAt(event->position().y());
    if (event->buttons() & Qt::LeftButton) {
      Q_EMIT stepPicked(hover_step_);
    }
  }
  update();
}

void LockinHeatmap::mousePressEvent(QMouseEvent* event) {
  if (!image_.isNull() && event->button() == Qt::LeftButton &&
      mapArea().contains(event->position())) {
    Q_EMIT stepPicked(columnAt(event->position().x()));
  }
}

void LockinHeatmap::leaveEvent(QEvent*) {
  hover_step_ = -1;
  hover_band_ = -1;
  update();
}

}  // namespace emergence::ui
