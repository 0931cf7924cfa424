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
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <cmath>

#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "model_picker.h"
#include "schedule_plot.h"

namespace emergence::ui {
namespace {

constexpr double kMinShift = 0.2;
constexpr double kMaxShift = 5.0;
constexpr int kShiftTicks = 1000;

QHBoxLayout* row(QWidget* a, QWidget* b, QWidget* c = nullptr) {
  auto* layout = new QHBoxLayout;
  layout->addWidget(a, 1);
  layout->addWidget(b);
  if (c != nullptr) {
    layout->addWidget(c);
  }
  return layout;
}

}  // namespace

double ControlsPanel::shiftForSliderValue(int value) {
  return kMinShift * std::pow(kMaxShift / kMinShift, double(value) / kShiftTicks);
}

int ControlsPanel::sliderValueForShift(double shift) {
  const double u = std::log(shift / kMinShift) / std::log(kMaxShift / kMinShift);
  return std::clamp(int(std::lround(u * kShiftTicks)), 0, kShiftTicks);
}

ControlsPanel::ControlsPanel(QWidget* parent)
    : QWidget(parent),
      model_picker_(new ModelPicker(this)),
      steps_slider_(new QSlider(Qt::Horizontal, this)),
      steps_box_(new QSpinBox(this)),
      spacing_(new QComboBox(this)),
      shift_slider_(new QSlider(Qt::Horizontal, this)),
      shift_label_(new QLabel(this)),
      plot_(new SchedulePlot(this)),
      sampler_(new QComboBox(this)),
      eta_(new QDoubleSpinBox(this)),
      seed_(new QSpinBox(this)),
      randomize_(new QPushButton(tr("Random"), this)),
      seed_lock_(new QCheckBox(tr("Lock"), this)),
      class_group_(new QGroupBox(tr("Class"), this)),
      class_(new QComboBox(this)),
      guidance_(new QDoubleSpinBox(this)),
      auto_regenerate_(new QCheckBox(tr("Regenerate when a control changes"), this)),
      generate_(new QPushButton(tr("Generate"), this)),
      stop_(new QPushButton(tr("Stop"), this)) {
  steps_slider_->setRange(1, 1000);
  steps_box_->setRange(1, 1000);
  steps_box_->setObjectName(QStringLiteral("stepsBox"));
  steps_box_->setToolTip(tr("Number of denoising steps (model calls for most samplers)"));
  for (const std::string& name : spacing_names()) {
    spacing_->addItem(QString::fromStdString(name));
  }
  spacing_->setToolTip(tr("How the steps are picked from the training timesteps"));
  shift_slider_->setRange(0, kShiftTicks);
  shift_slider_->setObjectName(QStringLiteral("shiftSlider"));
  shift_slider_->setToolTip(
      tr("Schedule shift: right spends more steps at high noise "
         "(composition), left more at low noise (detail)"));
  shift_label_->setMinimumWidth(48);
  for (const std::string& name : sampler_names()) {
    sampler_->addItem(QString::fromStdString(name));
  }
  eta_->setRange(0.0, 1.0);
  eta_->setSingleStep(0.1);
  eta_->setToolTip(tr("DDIM η: 0 is deterministic, 1 adds DDPM-like noise"));
  seed_->setRange(0, INT_MAX);
  seed_lock_->setToolTip(tr("Keep this seed for every run; unlocked, each run draws a new one"));
  guidance_->setRange(0.0, 30.0);
  guidance_->setSingleStep(0.5);
  guidance_->setToolTip(tr("Classifier-free guidance scale (1 = plain conditional model)"));
  generate_->setDefault(true);
  generate_->setToolTip(tr("Generate (Ctrl+G)"));
  stop_->setToolTip(tr("Stop (Esc): the steps so far are kept"));
  stop_->setEnabled(false);

  auto* model_group = new QGroupBox(tr("Model"), this);
  (new QVBoxLayout(model_group))->addWidget(model_picker_);
  auto* sampling = new QGroupBox(tr("Sampling"), this);
  auto* form = new QFormLayout(sampling);
  form->addRow(tr("Steps"), row(steps_slider_, steps_box_));
  form->addRow(tr("Sampler"), sampler_);
  form->addRow(tr("η"), eta_);
  form->addRow(tr("Seed"), row(seed_, randomize_, seed_lock_));
  auto* schedule = new QGroupBox(tr("Schedule"), this);
  auto* schedule_form = new QFormLayout(schedule);
  schedule_form->addRow(tr("Spacing"), spacing_);
  schedule_form->addRow(tr("Shift"), row(shift_slider_, shift_label_));
  schedule_form->addRow(plot_);
  auto* class_form = new QFormLayout(class_group_);
  class_form->addRow(tr("Class"), class_);
  class_form->addRow(tr("Guidance"), guidance_);
  class_group_->hide();

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(model_group);
  layout->addWidget(sampling);
  layout->addWidget(schedule);
  layout->addWidget(class_group_);
  layout->addWidget(auto_regenerate_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(generate_);
  buttons->addWidget(stop_);
  layout->addLayout(buttons);
  layout->addStretch(1);

  setParams(GenerationParams{});
  connect(steps_slider_, &QSlider::valueChanged, steps_box_, &QSpinBox::setValue);
  connect(steps_box_, &QSpinBox::valueChanged, steps_slider_, &QSlider::setValue);
  connect(steps_box_, &QSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(spacing_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(shift_slider_, &QSlider::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(sampler_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(eta_, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(seed_, &QSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(class_, &QComboBox::currentIndexChanged, this, &ControlsPanel::onControlChanged);
  connect(guidance_, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::onControlChanged);
  connect(randomize_, &QPushButton::clicked, this,
          [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(INT_MAX))); });
  connect(generate_, &QPushButton::clicked, this, &ControlsPanel::generateClicked);
  connect(stop_, &QPushButton::clicked, this, &ControlsPanel::stopClicked);
}

ControlsPanel::~ControlsPanel() = default;

GenerationParams ControlsPanel::params() const {
  GenerationParams p;
  p.steps = steps_box_->value();
  p.spacing = parse_spacing(spacing_->currentText().toStdString());
  p.shift = shiftForSliderValue(shift_slider_->value());
  p.sampler = sampler_->currentText().toStdString();
  p.eta = eta_->value();
  p.seed = uint64_t(seed_->value());
  if (class_->count() > 0) {  // only class-conditional models fill it
    p.class_label = class_->currentData().toLongLong();
    p.guidance_scale = guidance_->value();
  }
  return p;
}

void ControlsPanel::setParams(const GenerationParams& p) {
  updating_ = true;
  steps_box_->setValue(p.steps);
  spacing_->setCurrentText(QString::fromStdString(to_string(p.spacing)));
  shift_slider_->setValue(sliderValueForShift(p.shift));
  sampler_->setCurrentText(QString::fromStdString(p.sampler));
  eta_->setValue(p.eta);
  seed_->setValue(int(std::min<uint64_t>(p.seed, INT_MAX)));
  guidance_->setValue(p.guidance_scale);
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
  class_->clear();
  if (info && !info->class_names.empty()) {
    class_->addItem(tr("Unconditional"), qint64(-1));
    for (size_t i = 0; i < info->class_names.size(); ++i) {
      class_->addItem(QString::fromStdString(info->class_names[i]), qint64(i));
    }
    // A real class by default: only models trained with a null class can sample unconditionally
    // (ModelInfo does not say which, so "Unconditional" stays offered and errors name the cause).
    const int index = wanted_class_ >= 0 ? class_->findData(wanted_class_) : -1;
    class_->setCurrentIndex(index >= 0 ? index : 1);
  }
  class_group_->setVisible(info && !info->class_names.empty());
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
  setParams(p);
}

void ControlsPanel::setRunning(bool running) { stop_->setEnabled(running); }

bool ControlsPanel::autoRegenerate() const { return auto_regenerate_->isChecked(); }
void ControlsPanel::setAutoRegenerate(bool on) { auto_regenerate_->setChecked(on); }
bool ControlsPanel::seedLocked() const { return seed_lock_->isChecked(); }
void ControlsPanel::setSeedLocked(bool locked) { seed_lock_->setChecked(locked); }

void ControlsPanel::updateDependentControls() {
  eta_->setEnabled(sampler_->currentText() == QStringLiteral("ddim"));
  shift_label_->setText(QString::number(shiftForSliderValue(shift_slider_->value()), 'f', 2));
  if (class_->count() > 0) {
    wanted_class_ = class_->currentData().toLongLong();
  }
  guidance_->setEnabled(class_->currentData().toLongLong() >= 0);
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
