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

class ClassPicker;
class ModelPicker;
class PromptPanel;
class SchedulePlot;
class ShiftControl;
class StepsControl;

// Every knob of a run: model, class and guidance, steps, sampler and η, seed, schedule family
// and shift, in a scroll area; below it, always in view, auto-regenerate and Generate / Stop.
// Emits paramsChanged() on any change.
class ControlsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ControlsPanel(QWidget* parent = nullptr);
  ~ControlsPanel() override;

  emergence::GenerationParams params() const;
  void setParams(const emergence::GenerationParams& params);
  // The params for a new run: an unlocked seed is re-drawn first.
  emergence::GenerationParams paramsForNewRun();
  // Shows the class picker only for class-conditional models and the prompt panel only for
  // text-to-image ones, limits the steps to the model's
  // training timesteps, and feeds the schedule plot.
  void setModelInfo(ModelInfoPtr info);
  // The model's own sampling defaults: its scheduler's sampler and timestep spacing, and
  // kClassGuidance for class-conditional models (plain conditional sampling is weak on them),
  // default_guidance_scale (core/generation.h, as `emergence generate`) for text-to-image ones.
  void adoptModelDefaults(const ModelInfo& info);
  static constexpr double kClassGuidance = 3.0;
  void setRunning(bool running);
  // While a model loads, Generate waits for it.
  void setLoading(bool loading);

  bool autoRegenerate() const;
  void setAutoRegenerate(bool on);
  bool seedLocked() const;
  void setSeedLocked(bool locked);

  // The schedule slider is logarithmic: 0 … 1000 maps to shift kMinShift … kMaxShift (core),
  // with 1 in the middle (ShiftControl's mapping).
  static double shiftForSliderValue(int value);
  static int sliderValueForShift(double shift);

  ModelPicker* modelPicker() const { return model_picker_; }
  PromptPanel* promptPanel() const { return prompt_; }
  QDoubleSpinBox* guidanceBox() const { return guidance_; }
  SchedulePlot* schedulePlot() const { return plot_; }
  StepsControl* steps() const { return steps_; }
  QSpinBox* stepsBox() const;
  QSlider* shiftSlider() const;
  ShiftControl* shift() const { return shift_; }
  QComboBox* spacingCombo() const { return spacing_; }
  QComboBox* samplerCombo() const { return sampler_; }
  QDoubleSpinBox* etaBox() const { return eta_; }
  QGroupBox* classGroup() const { return class_group_; }
  ClassPicker* classPicker() const { return class_; }
  QPushButton* generateButton() const { return generate_; }
  QPushButton* stopButton() const { return stop_; }

 Q_SIGNALS:
  void paramsChanged();
  void generateClicked();
  void stopClicked();

 private:
  void onControlChanged();
  void updateDependentControls();

  QWidget* buildKnobs();

  ModelPicker* model_picker_;
  StepsControl* steps_;
  QComboBox* spacing_;
  QLabel* spacing_hint_;
  ShiftControl* shift_;
  SchedulePlot* plot_;
  QComboBox* sampler_;
  QLabel* sampler_hint_;
  QDoubleSpinBox* eta_;
  QSpinBox* seed_;
  QPushButton* randomize_;
  QCheckBox* seed_lock_;
  QGroupBox* class_group_;
  PromptPanel* prompt_;
  ClassPicker* class_;
  QDoubleSpinBox* guidance_;
  QCheckBox* auto_regenerate_;
  QPushButton* generate_;
  QPushButton* stop_;
  qint64 wanted_class_ = -1;  // from settings, applied once a model with classes arrives
  bool updating_ = false;
  bool takes_prompt_ = false;
};

}  // namespace emergence::ui
