#include "steps_control.h"

#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <algorithm>
#include <cmath>
#include <functional>

namespace emergence::ui {
namespace {

// QSpinBox rejects the keystroke that would leave its range, so typing 5000 into a 1 … 1000 box
// silently gives 500. This box lets such a number stand while typing and reports it on Enter or
// focus-out; QAbstractSpinBox then keeps the previous value.
class RangeReportingSpinBox : public QSpinBox {
 public:
  RangeReportingSpinBox(QWidget* parent, std::function<void(qlonglong)> on_out_of_range)
      : QSpinBox(parent), on_out_of_range_(std::move(on_out_of_range)) {}

  QValidator::State validate(QString& text, int& pos) const override {
    bool ok = false;
    const qlonglong typed = text.trimmed().toLongLong(&ok);
    if (ok && typed > maximum()) {
      return QValidator::Intermediate;
    }
    return QSpinBox::validate(text, pos);
  }

  void fixup(QString& text) const override {
    bool ok = false;
    const qlonglong typed = text.trimmed().toLongLong(&ok);
    if (ok && (typed > maximum() || typed < minimum())) {
      on_out_of_range_(typed);
    }
    QSpinBox::fixup(text);
  }

 private:
  std::function<void(qlonglong)> on_out_of_range_;
};

}  // namespace

int StepsControl::stepsForSliderValue(int value, int max_steps) {
  if (max_steps <= 1) {
    return 1;
  }
  const double u = std::clamp(double(value) / kSliderTicks, 0.0, 1.0);
  return std::clamp(int(std::lround(std::exp(u * std::log(double(max_steps))))), 1, max_steps);
}

int StepsControl::sliderValueForSteps(int steps, int max_steps) {
  if (max_steps <= 1) {
    return 0;
  }
  const double u =
      std::log(std::clamp(double(steps), 1.0, double(max_steps))) / std::log(double(max_steps));
  return int(std::lround(u * kSliderTicks));
}

StepsControl::StepsControl(QWidget* parent)
    : QWidget(parent),
      slider_(new QSlider(Qt::Horizontal, this)),
      box_(new RangeReportingSpinBox(this, [this](qlonglong typed) { refuse(typed); })),
      note_(new QLabel(this)) {
  slider_->setRange(0, kSliderTicks);
  slider_->setSingleStep(kSliderTicks / 50);  // about 15 % more or fewer steps per arrow key
  slider_->setPageStep(kSliderTicks / 10);
  slider_->setObjectName(QStringLiteral("stepsSlider"));
  box_->setObjectName(QStringLiteral("stepsBox"));
  // A run starts when the typed number is complete, not at each of its digits.
  box_->setKeyboardTracking(false);
  note_->setObjectName(QStringLiteral("stepsNote"));
  note_->setWordWrap(true);
  note_->setStyleSheet(QStringLiteral("color: palette(highlight);"));
  note_->hide();

  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(slider_, 0, 0);
  layout->addWidget(box_, 0, 1);
  layout->addWidget(note_, 1, 0, 1, 2);
  layout->setColumnStretch(0, 1);

  setMaximum(1000);
  connect(slider_, &QSlider::valueChanged, this,
          [this](int v) { box_->setValue(stepsForSliderValue(v, box_->maximum())); });
  connect(box_, &QSpinBox::valueChanged, this, [this](int steps) {
    followBox(steps);
    note_->hide();
    Q_EMIT valueChanged(steps);
  });
}

int StepsControl::value() const { return box_->value(); }
int StepsControl::maximum() const { return box_->maximum(); }

void StepsControl::setValue(int steps) {
  if (steps > box_->maximum() || steps < box_->minimum()) {
    refuse(steps);
    return;
  }
  box_->setValue(steps);
}

void StepsControl::setMaximum(int max_steps) {
  max_steps = std::max(1, max_steps);
  const int before = box_->value();
  box_->setRange(1, max_steps);  // a larger value is brought down to max_steps
  box_->setToolTip(
      tr("Denoising steps: 1 to %1 for this model (it was trained on %1 noise levels). More "
         "steps follow the denoising path more closely; most samplers are good at 20–50. Type a "
         "number or drag the slider.")
          .arg(max_steps));
  slider_->setToolTip(
      tr("Steps on a logarithmic scale: the left half is 1 to %1, where good images usually are; "
         "the right half goes on to %2")
          .arg(stepsForSliderValue(kSliderTicks / 2, max_steps))
          .arg(max_steps));
  followBox(box_->value());
  if (before > max_steps) {
    note_->setText(
        tr("Steps lowered from %1 to %2: this model allows 1 to %2.").arg(before).arg(max_steps));
    note_->show();
  }
}

void StepsControl::refuse(qlonglong typed) {
  note_->setText(tr("%1 steps is not possible here: this model allows 1 to %2 (the noise levels "
                    "it was trained on). Kept %3.")
                     .arg(typed)
                     .arg(box_->maximum())
                     .arg(box_->value()));
  note_->show();
}

void StepsControl::followBox(int steps) {
  // The slider only moves when it does not already stand for this value, so dragging it is
  // not jerked back to the box's rounded position.
  if (stepsForSliderValue(slider_->value(), box_->maximum()) != steps) {
    const QSignalBlocker block(slider_);
    slider_->setValue(sliderValueForSteps(steps, box_->maximum()));
  }
}

}  // namespace emergence::ui
