#pragma once

#include <QWidget>
#include <memory>

#include "sampling_worker.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace emergence::ui {

class ModelPicker;
class SchedulePlot;

// Every knob of a run: model, steps, schedule family and shift, sampler and η, seed, class and
// guidance, plus Generate / Stop and auto-regenerate. Emits paramsChanged() on any change.
class ControlsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ControlsPanel(QWidget* parent = nullptr);
  ~ControlsPanel() override;

  emergence::GenerationParams params() const;
  void setParams(const emergence::GenerationParams& params);
  // The params for a new run: an unlocked seed is re-drawn first.
  emergence::GenerationParams paramsForNewRun();
  // Shows the class picker only for class-conditional models, and feeds the schedule plot.
  void setModelInfo(ModelInfoPtr info);
  // The model's own sampling defaults: its scheduler's sampler and timestep spacing, and
  // kClassGuidance for class-conditional models (plain conditional sampling is weak on them).
  void adoptModelDefaults(const ModelInfo& info);
  static constexpr double kClassGuidance = 3.0;
  void setRunning(bool running);

  bool autoRegenerate() const;
  void setAutoRegenerate(bool on);
  bool seedLocked() const;
  void setSeedLocked(bool locked);

  // The schedule slider is logarithmic: 0 … 1000 maps to shift 0.2 … 5, with 1 in the middle.
  static double shiftForSliderValue(int value);
  static int sliderValueForShift(double shift);

  ModelPicker* modelPicker() const { return model_picker_; }
  SchedulePlot* schedulePlot() const { return plot_; }
  QSpinBox* stepsBox() const { return steps_box_; }
  QSlider* shiftSlider() const { return shift_slider_; }
  QComboBox* spacingCombo() const { return spacing_; }
  QComboBox* samplerCombo() const { return sampler_; }
  QDoubleSpinBox* etaBox() const { return eta_; }
  QGroupBox* classGroup() const { return class_group_; }
  QPushButton* generateButton() const { return generate_; }
  QPushButton* stopButton() const { return stop_; }

 Q_SIGNALS:
  void paramsChanged();
  void generateClicked();
  void stopClicked();

 private:
  void onControlChanged();
  void updateDependentControls();

  ModelPicker* model_picker_;
  QSlider* steps_slider_;
  QSpinBox* steps_box_;
  QComboBox* spacing_;
  QSlider* shift_slider_;
  QLabel* shift_label_;
  SchedulePlot* plot_;
  QComboBox* sampler_;
  QDoubleSpinBox* eta_;
  QSpinBox* seed_;
  QPushButton* randomize_;
  QCheckBox* seed_lock_;
  QGroupBox* class_group_;
  QComboBox* class_;
  QDoubleSpinBox* guidance_;
  QCheckBox* auto_regenerate_;
  QPushButton* generate_;
  QPushButton* stop_;
  qint64 wanted_class_ = -1;  // from settings, applied once a model with classes arrives
  bool updating_ = false;
};

}  // namespace emergence::ui
