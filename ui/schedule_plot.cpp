#include "schedule_plot.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "core/diffusion_model.h"
#include "core/generation.h"
#include "core/generation_params.h"
#include "core/image_guide.h"
#include "core/noise_schedule.h"
#include "sigma_text.h"

namespace emergence::ui {
namespace {
constexpr double kRight = 8;
constexpr double kTop = 20;
constexpr double kBottom = 18;
}  // namespace

SchedulePlot::SchedulePlot(QWidget* parent)
    : QWidget(parent),
      info_(std::make_shared<ModelInfo>()),
      params_(std::make_unique<GenerationParams>()) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
  setFixedHeight(sizeHint().height());
  setToolTip(
      tr("The noise level σ of the model's training schedule (log scale) over its timesteps; "
         "the dots are the steps this run will take, from pure noise on the left to the clean "
         "image on the right"));
  recompute();
}

SchedulePlot::~SchedulePlot() = default;

void SchedulePlot::setModelInfo(std::shared_ptr<const ModelInfo> info) {
  info_ = info ? std::move(info) : std::make_shared<ModelInfo>();
  recompute();
}

void SchedulePlot::setParams(const GenerationParams& params) {
  *params_ = params;
  recompute();
}

void SchedulePlot::setStartStrength(double strength) {
  strength_ = strength;
  recompute();
}

void SchedulePlot::recompute() {
  error_.clear();
  first_call_ = 0;
  marked_timesteps_.clear();
  marked_log_sigma_.clear();
  try {
    const NoiseSchedule schedule(info_->scheduler.training);
    const int T = schedule.num_train_timesteps();
    curve_log_sigma_.resize(static_cast<size_t>(T));
    for (int t = 0; t < T; ++t) {
      curve_log_sigma_[static_cast<size_t>(t)] = std::log(schedule.sigma(t));
    }
    min_log_sigma_ = curve_log_sigma_.front();
    max_log_sigma_ = curve_log_sigma_.back();
    const auto sampler = make_sampler(schedule, sampler_settings_for(*info_, *params_));
    marked_timesteps_ = sampler->timesteps();
    first_call_ = strength_ < 1.0 ? first_call_for_strength(*sampler, strength_) : 0;
    for (double t : marked_timesteps_) {
      marked_log_sigma_.push_back(std::log(schedule.sigma_at(t)));
    }
  } catch (const std::exception& e) {
    error_ = QString::fromStdString(e.what());
  }
  update();
}

QFont SchedulePlot::labelFont() const {
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  return small;
}

QRectF SchedulePlot::plotArea() const {
  // Wide enough for the σ labels left of the curve ("20 300" on a cosine schedule).
  const QFontMetrics fm(labelFont());
  const double left = 8.0 + std::max(fm.horizontalAdvance(sigmaText(std::exp(max_log_sigma_))),
                                     fm.horizontalAdvance(sigmaText(std::exp(min_log_sigma_))));
  return QRectF(left, kTop, width() - left - kRight, height() - kTop - kBottom);
}

double SchedulePlot::xOf(double timestep) const {
  const QRectF area = plotArea();
  const double last = std::max<double>(1.0, double(curve_log_sigma_.size()) - 1.0);
  return area.left() + (1.0 - timestep / last) * area.width();
}

double SchedulePlot::yOf(double log_sigma) const {
  const QRectF area = plotArea();
  const double span = std::max(1e-9, max_log_sigma_ - min_log_sigma_);
  return area.bottom() - (log_sigma - min_log_sigma_) / span * area.height();
}

void SchedulePlot::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.fillRect(rect(), palette().color(QPalette::Base));
  const QRectF area = plotArea();
  const QColor text = palette().color(QPalette::Text);
  painter.setPen(QPen(palette().color(QPalette::Mid), 1));
  painter.drawRect(area);

  painter.setFont(labelFont());
  painter.setPen(text);
  painter.drawText(
      QRectF(0, 2, width(), kTop - 4), Qt::AlignCenter,
      error_.isEmpty()
          ? (first_call_ == 0
                 ? tr("noise level σ (log scale) · %1 model calls").arg(marked_timesteps_.size())
                 : tr("noise level σ (log scale) · %1 of %2 model calls")
                       .arg(marked_timesteps_.size() - first_call_)
                       .arg(marked_timesteps_.size()))
          : error_);
  painter.drawText(QRectF(0, area.top() - 6, area.left() - 4, 12),
                   Qt::AlignRight | Qt::AlignVCenter, sigmaText(std::exp(max_log_sigma_)));
  painter.drawText(QRectF(0, area.bottom() - 6, area.left() - 4, 12),
                   Qt::AlignRight | Qt::AlignVCenter, sigmaText(std::exp(min_log_sigma_)));
  painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), kBottom - 2),
                   Qt::AlignLeft | Qt::AlignTop,
                   tr("t = %1 (noise)").arg(curve_log_sigma_.size() - 1));
  painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), kBottom - 2),
                   Qt::AlignRight | Qt::AlignTop, tr("t = 0 (clean)"));

  if (curve_log_sigma_.size() > 1) {
    QPainterPath curve;
    for (size_t t = 0; t < curve_log_sigma_.size(); ++t) {
      const QPointF p(xOf(double(t)), yOf(curve_log_sigma_[t]));
      t == 0 ? curve.moveTo(p) : curve.lineTo(p);
    }
    painter.setPen(QPen(palette().color(QPalette::Mid).darker(130), 1.5));
    painter.drawPath(curve);
  }
  const QColor mark = palette().color(QPalette::Highlight);
  painter.setPen(QPen(mark, 1));
  painter.setBrush(mark);
  // Thousands of marks would hide the curve: their ticks merge into a band anyway.
  const double radius = marked_timesteps_.size() > 100 ? 1.2 : 2.5;
  QColor skipped = mark;
  skipped.setAlpha(60);
  for (size_t i = 0; i < marked_timesteps_.size(); ++i) {
    const QColor color = int(i) < first_call_ ? skipped : mark;
    painter.setPen(QPen(color, 1));
    painter.setBrush(color);
    const double x = xOf(marked_timesteps_[i]);
    painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() - 5));
    painter.drawEllipse(QPointF(x, yOf(marked_log_sigma_[i])), radius, radius);
  }
  if (first_call_ > 0 && first_call_ < int(marked_timesteps_.size())) {
    // Where a run from the start image begins: the picture noised to this σ.
    const double x = xOf(marked_timesteps_[static_cast<size_t>(first_call_)]);
    painter.setPen(QPen(text, 1, Qt::DashLine));
    painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    painter.drawText(QRectF(x + 3, area.top() + 2, area.width(), 14), Qt::AlignLeft,
                     tr("start · strength %1").arg(strength_, 0, 'g', 2));
  }
}

}  // namespace emergence::ui
