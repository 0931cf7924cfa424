#include "controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <climits>

#include "class_picker.h"
#include "core/diffusion_model.h"
#include "core/generation.h"
#include "core/generation_params.h"
#include "model_picker.h"
#include "plain_names.h"
#include "prompt_panel.h"
#include "schedule_plot.h"
#include "shift_control.h"
#include "steps_control.h"

namespace emergence::ui {
namespace {

QHBoxLayout* row(QWidget* a, QWidget* b, QWidget* c = nullptr) {
  auto* layout = new QHBoxLayout;
  layout->addWidget(a, 1);
  layout->addWidget(b);
  if (c != nullptr) {
    layout->addWidget(c);
  }
  return layout;
}

QLabel* hintLabel(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setForegroundRole(QPalette::PlaceholderText);
  label->setWordWrap(true);  // wraps in a narrow dock instead of widening it
  return label;
}

// Each item keeps its technical name as text (what settings and the CLI use) and explains
// itself in its tooltip.
void fillCombo(QComboBox* combo, const std::vector<std::string>& names,
               QString (*explanation)(const QString&)) {
  for (const std::string& name : names) {
    const QString text = QString::fromStdString(name);
    combo->addItem(text);
    combo->setItemData(combo->count() - 1, explanation(text), Qt::ToolTipRole);
  }
}

}  // namespace

double ControlsPanel::shiftForSliderValue(int value) {
  return ShiftControl::shiftForSliderValue(value);
}

int ControlsPanel::sliderValueForShift(double shift) {
  return ShiftControl::sliderValueForShift(shift);
}

ControlsPanel::ControlsPanel(QWidget* parent)
    : QWidget(parent),
      model_picker_(new ModelPicker(this)),
      steps_(new StepsControl(this)),
      spacing_(new QComboBox(this)),
      spacing_hint_(hintLabel(this)),
      shift_(new ShiftControl(this)),
      plot_(new SchedulePlot(this)),
      sampler_(new QComboBox(this)),
      sampler_hint_(hintLabel(this)),
      eta_(new QDoubleSpinBox(this)),
      seed_(new QSpinBox(this)),
      randomize_(new QPushButton(tr("Random"), this)),
      seed_lock_(new QCheckBox(tr("Lock"), this)),
      class_group_(new QGroupBox(tr("What to draw"), this)),
      prompt_(new PromptPanel(this)),
      class_(new ClassPicker(this)),
      guidance_(new QDoubleSpinBox(this)),
      auto_regenerate_(new QCheckBox(tr("Regenerate when a control changes"), this)),
      generate_(new QPushButton(tr("Generate"), this)),
      stop_(new QPushButton(tr("Stop"), this)) {
  fillCombo(spacing_, spacing_names(), &spacingExplanation);
  fillCombo(sampler_, sampler_names(), &samplerExplanation);
  eta_->setRange(0.0, 1.0);
  eta_->setSingleStep(0.1);
  eta_->setToolTip(
      tr("DDIM η, the randomness of each step: 0 is deterministic (same seed, same image), 1 adds "
         "as much fresh noise as DDPM"));
  seed_->setRange(0, INT_MAX);
  seed_->setToolTip(tr("The starting noise: the same seed and settings give the same image"));
  randomize_->setToolTip(tr("Draw a new random seed"));
  seed_lock_->setToolTip(tr("Keep this seed for every run; unlocked, each run draws a new one"));
  class_->setToolTip(tr("Which kind of image to draw: the labels the model was trained on"));
  guidance_->setRange(0.0, 30.0);
  guidance_->setSingleStep(0.5);
  guidance_->setToolTip(
      tr("Guidance: how strongly the image follows the class. 1 is the model as trained; higher "
         "is more typical of the class but less varied, and very high values burn the colours"));
  auto_regenerate_->setToolTip(tr("Start a new run whenever a setting changes"));
  generate_->setDefault(true);
  generate_->setToolTip(tr("Generate an image with these settings (Ctrl+G)"));
  stop_->setToolTip(tr("Stop the run (Esc): the steps so far are kept"));
  stop_->setEnabled(false);

  auto* scroll = new QScrollArea(this);
  scroll->setWidget(buildKnobs());
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setMinimumWidth(scroll->widget()->minimumSizeHint().width() +
                          scroll->verticalScrollBar()->sizeHint().width());

  // Generate and Stop stay below the scroll area, so no window size hides them.
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(generate_, 1);
  buttons->addWidget(stop_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 4);
  layout->addWidget(scroll, 1);
  auto* footer = new QVBoxLayout;
  footer->setContentsMargins(6, 0, 6, 0);
  footer->addWidget(auto_regenerate_);
  footer->addLayout(buttons);
  layout->addLayout(footer);

  setParams(GenerationParams{});
  connect(steps_, &StepsControl::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(spacing_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(shift_, &ShiftControl::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(sampler_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(eta_, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(seed_, &QSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(class_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(guidance_, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(prompt_, &PromptPanel::settingsChanged, this, &ControlsPanel::onControlChanged);
  connect(randomize_, &QPushButton::clicked, this,
          [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(INT_MAX))); });
  connect(generate_, &QPushButton::clicked, this, &ControlsPanel::generateClicked);
  connect(stop_, &QPushButton::clicked, this, &ControlsPanel::stopClicked);
}

ControlsPanel::~ControlsPanel() = default;

// The knobs in the order an artist reaches for them: model, what to draw, how many steps and
// which sampler, then the finer schedule controls (whose plot may scroll out of small windows).
QWidget* ControlsPanel::buildKnobs() {
  auto* knobs = new QWidget(this);
  auto* model_group = new QGroupBox(tr("Model"), knobs);
  (new QVBoxLayout(model_group))->addWidget(model_picker_);

  auto* class_form = new QFormLayout(class_group_);
  class_form->addRow(prompt_);
  class_form->addRow(tr("Class"), class_);
  class_form->addRow(tr("Guidance"), guidance_);
  class_group_->hide();

  auto* sampling = new QGroupBox(tr("Sampling"), knobs);
  auto* form = new QFormLayout(sampling);
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Sampler"), row(sampler_, sampler_hint_));
  form->addRow(tr("η"), eta_);
  form->addRow(tr("Seed"), row(seed_, randomize_, seed_lock_));

  auto* schedule = new QGroupBox(tr("Schedule"), knobs);
  auto* schedule_form = new QFormLayout(schedule);
  schedule_form->addRow(tr("Spacing"), row(spacing_, spacing_hint_));
  schedule_form->addRow(tr("Shift"), shift_);
  schedule_form->addRow(plot_);

  auto* layout = new QVBoxLayout(knobs);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(model_group);
  layout->addWidget(class_group_);
  layout->addWidget(sampling);
  layout->addWidget(schedule);
  layout->addStretch(1);
  return knobs;
}

QSpinBox* ControlsPanel::stepsBox() const { return steps_->box(); }
QSlider* ControlsPanel::shiftSlider() const { return shift_->slider(); }

GenerationParams ControlsPanel::params() const {
  GenerationParams p;
  p.steps = steps_->value();
  p.spacing = parse_spacing(spacing_->currentText().toStdString());
  p.shift = shift_->value();
  p.sampler = sampler_->currentText().toStdString();
  p.eta = eta_->value();
  p.seed = uint64_t(seed_->value());
  if (class_->count() > 0) {  // only class-conditional models fill it
    p.class_label = class_->currentData().toLongLong();
    p.guidance_scale = guidance_->value();
  }
  if (takes_prompt_) {
    prompt_->fill(p);
    p.guidance_scale = guidance_->value();
  }
  return p;
}

void ControlsPanel::setParams(const GenerationParams& p) {
  updating_ = true;
  steps_->setValue(p.steps);
  spacing_->setCurrentText(QString::fromStdString(to_string(p.spacing)));
  shift_->setValue(p.shift);
  sampler_->setCurrentText(QString::fromStdString(p.sampler));
  eta_->setValue(p.eta);
  seed_->setValue(int(std::min<uint64_t>(p.seed, INT_MAX)));
  guidance_->setValue(p.guidance_scale);
  prompt_->setParams(p);
  wanted_class_ = p.class_label;
  const int index = class_->findData(qint64(p.class_label));
  if (index >= 0) {
    class_->setCurrentIndex(index);
  }
  updating_ = false;
  onControlChanged();
}

GenerationParams ControlsPanel::paramsForNewRun() {
  if (!seed_lock_->isChecked()) {
    randomize_->click();
  }
  return params();
}

void ControlsPanel::setModelInfo(ModelInfoPtr info) {
  updating_ = true;
  class_->setClasses(info ? info->class_names : std::vector<std::string>{},
                     info ? info->class_groups : std::vector<std::string>{});
  if (class_->count() > 0) {
    // A real class by default: only models trained with a null class can sample unconditionally
    // (ModelInfo does not say which, so "Unconditional" stays offered and errors name the cause).
    const int index = wanted_class_ >= 0 ? class_->findData(wanted_class_) : -1;
    class_->setCurrentIndex(index >= 0 ? index : 1);
  }
  const bool has_classes = info && !info->class_names.empty();
  takes_prompt_ = info && info->takes_prompt;
  if (takes_prompt_) {
    prompt_->setModelInfo(*info);
  }
  prompt_->setVisible(takes_prompt_);
  auto* form = static_cast<QFormLayout*>(class_group_->layout());
  form->setRowVisible(class_, has_classes);
  class_group_->setVisible(has_classes || takes_prompt_);
  guidance_->setToolTip(
      takes_prompt_
          ? tr("Guidance: how strongly the image follows the prompt, away from the negative one. "
               "1 is none; 7.5 is the usual; very high values burn the colours")
          : tr("Guidance: how strongly the image follows the class. 1 is the model as trained; "
               "higher is more typical of the class but less varied, and very high values burn "
               "the colours"));
  // The core accepts 1 … num_train_timesteps steps (validate_selection).
  steps_->setMaximum(info ? info->scheduler.training.num_train_timesteps
                          : ModelInfo{}.scheduler.training.num_train_timesteps);
  updating_ = false;
  plot_->setModelInfo(std::move(info));
  onControlChanged();
}

void ControlsPanel::adoptModelDefaults(const ModelInfo& info) {
  GenerationParams p = params();
  p.sampler = info.scheduler.sampler.name;
  p.spacing = info.scheduler.sampler.selection.spacing;
  if (!info.class_names.empty()) {
    p.guidance_scale = kClassGuidance;
  }
  if (info.takes_prompt) {
    p.guidance_scale = default_guidance_scale(info);
  }
  setParams(p);
}

void ControlsPanel::setRunning(bool running) { stop_->setEnabled(running); }

void ControlsPanel::setLoading(bool loading) {
  generate_->setEnabled(!loading);
  generate_->setToolTip(loading ? tr("Generate waits until the model has loaded")
                                : tr("Generate an image with these settings (Ctrl+G)"));
}

bool ControlsPanel::autoRegenerate() const { return auto_regenerate_->isChecked(); }
void ControlsPanel::setAutoRegenerate(bool on) { auto_regenerate_->setChecked(on); }
bool ControlsPanel::seedLocked() const { return seed_lock_->isChecked(); }
void ControlsPanel::setSeedLocked(bool locked) { seed_lock_->setChecked(locked); }

void ControlsPanel::updateDependentControls() {
  eta_->setEnabled(sampler_->currentText() == QStringLiteral("ddim"));
  sampler_hint_->setText(samplerHint(sampler_->currentText()));
  sampler_->setToolTip(tr("How each step moves from noise towards the image. %1")
                           .arg(samplerExplanation(sampler_->currentText())));
  spacing_hint_->setText(spacingHint(spacing_->currentText()));
  spacing_->setToolTip(tr("Which noise levels the steps visit. %1")
                           .arg(spacingExplanation(spacing_->currentText())));
  if (class_->count() > 0) {
    wanted_class_ = class_->currentData().toLongLong();
  }
  guidance_->setEnabled(takes_prompt_ || class_->currentData().toLongLong() >= 0);
}

void ControlsPanel::onControlChanged() {
  if (updating_) {
    return;
  }
  updateDependentControls();
  plot_->setParams(params());
  Q_EMIT paramsChanged();
}

}  // namespace emergence::ui
