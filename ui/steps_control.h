#pragma once

#include <QWidget>

class QLabel;
class QSlider;
class QSpinBox;

namespace emergence::ui {

// The number of steps: a typed box and a logarithmic slider that follows it, so the slider's
// left half covers 1 … √max, where most samplers already give good images. The range is the
// model's (1 … its training timesteps, what the core accepts); a typed value outside it is
// refused with the reason shown under the box instead of being cut to fit.
class StepsControl : public QWidget {
  Q_OBJECT

 public:
  explicit StepsControl(QWidget* parent = nullptr);

  int value() const;
  void setValue(int steps);
  // The most steps the model allows (its num_train_timesteps).
  void setMaximum(int max_steps);
  int maximum() const;

  QSpinBox* box() const { return box_; }
  QSlider* slider() const { return slider_; }
  // The refusal message; hidden while there is nothing to say.
  QLabel* note() const { return note_; }

  // Fine enough that neighbouring step counts up to 1000 have their own positions.
  static constexpr int kSliderTicks = 10000;
  static int stepsForSliderValue(int value, int max_steps);
  static int sliderValueForSteps(int steps, int max_steps);

 Q_SIGNALS:
  void valueChanged(int steps);

 private:
  void refuse(qlonglong typed);
  void followBox(int steps);

  QSlider* slider_;
  QSpinBox* box_;
  QLabel* note_;
};

}  // namespace emergence::ui
