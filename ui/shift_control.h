#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QSlider;

namespace emergence::ui {

// The schedule shift: a logarithmic slider over the core's whole range (kMinShift … kMaxShift,
// 1 in the middle) and a typed entry. Double-clicking the slider resets the shift to 1.
class ShiftControl : public QWidget {
  Q_OBJECT

 public:
  explicit ShiftControl(QWidget* parent = nullptr);

  // The exact shift: what was typed, or the slider's value (the box shows it rounded).
  double value() const { return shift_; }
  void setValue(double shift);

  QSlider* slider() const { return slider_; }
  QDoubleSpinBox* box() const { return box_; }

  static constexpr int kSliderTicks = 1000;
  static double shiftForSliderValue(int value);
  static int sliderValueForShift(double shift);

 Q_SIGNALS:
  void valueChanged(double shift);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void apply(double shift, bool move_slider, bool move_box);

  QSlider* slider_;
  QDoubleSpinBox* box_;
  double shift_ = 1.0;
};

}  // namespace emergence::ui
