#include "shift_control.h"

#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QSignalBlocker>
#include <QSlider>
#include <algorithm>
#include <cmath>

#include "core/timestep_spacing.h"

namespace emergence::ui {

double ShiftControl::shiftForSliderValue(int value) {
  return kMinShift * std::pow(kMaxShift / kMinShift, double(value) / kSliderTicks);
}

int ShiftControl::sliderValueForShift(double shift) {
  const double u = std::log(shift / kMinShift) / std::log(kMaxShift / kMinShift);
  return std::clamp(int(std::lround(u * kSliderTicks)), 0, kSliderTicks);
}

ShiftControl::ShiftControl(QWidget* parent)
    : QWidget(parent), slider_(new QSlider(Qt::Horizontal, this)), box_(new QDoubleSpinBox(this)) {
  slider_->setRange(0, kSliderTicks);
  slider_->setSingleStep(10);
  slider_->setPageStep(100);
  slider_->setObjectName(QStringLiteral("shiftSlider"));
  const QString tip =
      tr("Schedule shift, %1 to %2: above 1 spends more steps at high noise (composition), below "
         "1 more at low noise (fine detail); 1 leaves the spacing as it is. Double-click the "
         "slider to reset to 1.")
          .arg(kMinShift)
          .arg(kMaxShift);
  slider_->setToolTip(tip);
  slider_->installEventFilter(this);
  box_->setObjectName(QStringLiteral("shiftBox"));
  box_->setRange(kMinShift, kMaxShift);
  box_->setDecimals(2);
  box_->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  box_->setKeyboardTracking(false);
  box_->setToolTip(tip);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(slider_, 1);
  layout->addWidget(box_);

  apply(1.0, true, true);
  connect(slider_, &QSlider::valueChanged, this,
          [this](int v) { apply(shiftForSliderValue(v), false, true); });
  connect(box_, &QDoubleSpinBox::valueChanged, this,
          [this](double typed) { apply(typed, true, false); });
}

void ShiftControl::setValue(double shift) { apply(shift, true, true); }

void ShiftControl::apply(double shift, bool move_slider, bool move_box) {
  shift = std::clamp(shift, kMinShift, kMaxShift);
  if (move_slider) {
    const QSignalBlocker block(slider_);
    slider_->setValue(sliderValueForShift(shift));
  }
  if (move_box) {
    const QSignalBlocker block(box_);
    box_->setValue(shift);
  }
  if (shift != shift_) {
    shift_ = shift;
    Q_EMIT valueChanged(shift_);
  }
}

bool ShiftControl::eventFilter(QObject* watched, QEvent* event) {
  if (watched == slider_ && event->type() == QEvent::MouseButtonDblClick) {
    setValue(1.0);
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace emergence::ui
