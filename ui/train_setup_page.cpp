#include "train_setup_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QVBoxLayout>

#include "settings_store.h"
#include "train_data_preview.h"
#include "train_scanner.h"

namespace emergence::ui {
namespace {

// Sizes the UNet's three levels divide evenly (a multiple of 4).
const QList<int> kResolutions = {16, 32, 64};

QString models_folder() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
      .filePath(QStringLiteral("Models"));
}

// "Models/emoji", or "Models/emoji-2" when that holds a model already.
QString free_model_folder(const QString& data_folder) {
  const QString name = QFileInfo(QDir::cleanPath(data_folder)).fileName();
  const QString base =
      QDir(models_folder()).filePath(name.isEmpty() ? QStringLiteral("model") : name);
  QString candidate = base;
  for (int i = 2; QFileInfo::exists(candidate) || QFileInfo::exists(candidate + ".train"); ++i) {
    candidate = QStringLiteral("%1-%2").arg(base).arg(i);
  }
  return candidate;
}

// Sample grids often enough to watch the model learn, rarely enough not to slow training much.
int default_samples_every(int steps) { return std::clamp(steps / 30, 1, 500); }

}  // namespace

TrainSetupPage::TrainSetupPage(QWidget* parent)
    : QWidget(parent), scanner_(new TrainScanner(this)), rescan_timer_(new QTimer(this)) {
  rescan_timer_->setSingleShot(true);
  rescan_timer_->setInterval(300);
  connect(rescan_timer_, &QTimer::timeout, this, &TrainSetupPage::rescan);
  connect(scanner_, &TrainScanner::scanned, this, &TrainSetupPage::onScanned);
  connect(scanner_, &TrainScanner::estimated, this, &TrainSetupPage::onEstimated);

  auto* layout = new QHBoxLayout(this);
  layout->addWidget(buildDataBox(), 3);
  auto* right = new QVBoxLayout;
  right->addWidget(buildSettingsBox());
  unfinished_box_ = new QGroupBox(tr("Unfinished runs"), this);
  auto* unfinished_layout = new QVBoxLayout(unfinished_box_);
  unfinished_ = new QListWidget(unfinished_box_);
  unfinished_->setObjectName(QStringLiteral("unfinishedRuns"));
  resume_ = new QPushButton(tr("Resume Selected Run"), unfinished_box_);
  resume_->setObjectName(QStringLiteral("resumeUnfinished"));
  unfinished_layout->addWidget(unfinished_);
  unfinished_layout->addWidget(resume_);
  right->addWidget(unfinished_box_);
  right->addStretch(1);
  start_ = new QPushButton(tr("Start Training"), this);
  start_->setObjectName(QStringLiteral("startTraining"));
  start_->setDefault(true);
  start_->setEnabled(false);
  right->addWidget(start_);
  layout->addLayout(right, 2);
  connect(start_, &QPushButton::clicked, this, &TrainSetupPage::start);
  connect(resume_, &QPushButton::clicked, this, [this] {
    const QList<TrainPlan> runs = unfinished_runs();
    const int row = unfinished_->currentRow();
    if (row >= 0 && row < runs.size()) {
      Q_EMIT resumeRequested(runs[row]);
    }
  });

  const SettingsStore settings;
  classes_->setChecked(settings.value(QStringLiteral("training/classes"), true));
  resolution_->setCurrentIndex(std::max<int>(
      0, kResolutions.indexOf(settings.value(QStringLiteral("training/resolution"), 32))));
  const int preset = settings.value(QStringLiteral("training/preset"), 1);
  if (preset >= 0 && preset < train_presets().size()) {
    preset_->setCurrentIndex(preset);
    applyPreset(preset);
  } else {
    preset_->setCurrentIndex(preset_->count() - 1);
    steps_->setValue(settings.value(QStringLiteral("training/steps"), 6000));
    batch_->setValue(settings.value(QStringLiteral("training/batch"), 32));
    channels_->setText(
        settings.value(QStringLiteral("training/channels"), QStringLiteral("16,32,96")));
  }
  samples_every_->setValue(settings.value(QStringLiteral("training/samples_every"),
                                          default_samples_every(steps_->value())));
  refreshUnfinished();
  setFolder(settings.value(QStringLiteral("training/folder"), QString()));
}

TrainSetupPage::~TrainSetupPage() = default;

QWidget* TrainSetupPage::buildDataBox() {
  auto* box = new QGroupBox(tr("Images"), this);
  auto* layout = new QVBoxLayout(box);
  auto* row = new QHBoxLayout;
  folder_ = new QLineEdit(box);
  folder_->setObjectName(QStringLiteral("trainFolder"));
  folder_->setPlaceholderText(tr("A folder of images (PNG, JPEG, WebP, …)"));
  auto* browse = new QPushButton(tr("Choose…"), box);
  row->addWidget(folder_, 1);
  row->addWidget(browse);
  layout->addLayout(row);
  auto* options = new QHBoxLayout;
  classes_ = new QCheckBox(tr("Subfolders are classes"), box);
  classes_->setToolTip(tr("Each first-level subfolder becomes a class the model can be asked for"));
  resolution_ = new QComboBox(box);
  for (const int r : kResolutions) {
    resolution_->addItem(tr("%1 × %1 px").arg(r), r);
  }
  options->addWidget(classes_);
  options->addStretch(1);
  options->addWidget(new QLabel(tr("Size:"), box));
  options->addWidget(resolution_);
  layout->addLayout(options);
  preview_ = new TrainDataPreview(box);
  layout->addWidget(preview_, 1);
  connect(browse, &QPushButton::clicked, this, &TrainSetupPage::chooseFolder);
  connect(folder_, &QLineEdit::textChanged, rescan_timer_, qOverload<>(&QTimer::start));
  connect(classes_, &QCheckBox::toggled, this, &TrainSetupPage::rescan);
  connect(resolution_, &QComboBox::currentIndexChanged, this, &TrainSetupPage::rescan);
  return box;
}

QWidget* TrainSetupPage::buildSettingsBox() {
  auto* box = new QGroupBox(tr("Settings"), this);
  auto* form = new QFormLayout(box);
  preset_ = new QComboBox(box);
  preset_->setObjectName(QStringLiteral("trainPreset"));
  for (const TrainPreset& p : train_presets()) {
    preset_->addItem(p.name);
  }
  preset_->addItem(tr("Custom"));
  steps_ = new QSpinBox(box);
  steps_->setRange(1, 10000000);
  steps_->setSingleStep(500);
  batch_ = new QSpinBox(box);
  batch_->setRange(1, 4096);
  channels_ = new QLineEdit(box);
  channels_->setToolTip(tr("The UNet's block widths, one per level, e.g. 16,32,96"));
  samples_every_ = new QSpinBox(box);
  samples_every_->setRange(1, 1000000);
  samples_every_->setSuffix(tr(" steps"));
  samples_every_->setToolTip(tr("How often the window shows new samples of every class"));
  estimate_ = new QLabel(box);
  estimate_->setObjectName(QStringLiteral("trainEstimate"));
  output_ = new QLineEdit(box);
  output_->setObjectName(QStringLiteral("trainOutput"));
  auto* choose_output = new QPushButton(tr("Choose…"), box);
  auto* output_row = new QHBoxLayout;
  output_row->addWidget(output_, 1);
  output_row->addWidget(choose_output);
  form->addRow(tr("Preset:"), preset_);
  form->addRow(tr("Steps:"), steps_);
  form->addRow(tr("Batch:"), batch_);
  form->addRow(tr("Channels:"), channels_);
  form->addRow(tr("Samples every:"), samples_every_);
  form->addRow(tr("Time:"), estimate_);
  form->addRow(tr("Model folder:"), output_row);
  auto* help = new QLabel(
      tr("Quick: a small network, to check within minutes that the images and classes train. "
         "Standard: the built-in model's network for a third of its steps. Long: the built-in "
         "model's full recipe. Times are measured on this machine from a few steps."),
      box);
  help->setWordWrap(true);
  help->setEnabled(false);  // the hint's grey
  form->addRow(help);
  connect(preset_, &QComboBox::activated, this, &TrainSetupPage::applyPreset);
  connect(steps_, &QSpinBox::valueChanged, this, &TrainSetupPage::markCustom);
  connect(batch_, &QSpinBox::valueChanged, this, &TrainSetupPage::markCustom);
  connect(channels_, &QLineEdit::textEdited, this, &TrainSetupPage::markCustom);
  connect(output_, &QLineEdit::textEdited, this, [this] { output_edited_ = true; });
  connect(choose_output, &QPushButton::clicked, this, &TrainSetupPage::chooseOutput);
  return box;
}

void TrainSetupPage::setFolder(const QString& folder) {
  folder_->setText(folder);
  rescan();
}

void TrainSetupPage::setPreset(int index) {
  preset_->setCurrentIndex(index);
  applyPreset(index);
}

bool TrainSetupPage::dataReady() const { return data_ != nullptr; }

void TrainSetupPage::rescan() {
  rescan_timer_->stop();
  data_.reset();
  start_->setEnabled(false);
  seconds_per_step_.clear();
  updateDefaultOutput();
  const QString folder = folder_->text().trimmed();
  if (folder.isEmpty()) {
    preview_->clear(tr("Choose a folder of images to see what training will use."));
    updateEstimate();
    return;
  }
  preview_->showScanning(folder);
  scan_id_ = scanner_->scan(folder, resolution_->currentData().toInt(), classes_->isChecked());
  updateEstimate();
}

void TrainSetupPage::onScanned(int id, const TrainDataSummary& summary) {
  if (id != scan_id_) {
    return;
  }
  preview_->showSummary(summary);
  data_ = summary.data;
  start_->setEnabled(data_ != nullptr);
  if (data_ != nullptr) {
    seconds_per_step_ = QList<double>(train_presets().size(), 0.0);
    estimate_id_ = scanner_->estimate(data_, train_presets());
  }
  updateEstimate();
  Q_EMIT dataScanned();
}

void TrainSetupPage::onEstimated(int id, int preset, double seconds_per_step,
                                 const QString& error) {
  if (id != estimate_id_ || preset >= seconds_per_step_.size()) {
    return;
  }
  seconds_per_step_[preset] = seconds_per_step;
  const TrainPreset p = train_presets()[preset];
  preset_->setItemText(
      preset, seconds_per_step > 0
                  ? tr("%1 — %2").arg(p.name, approximate_duration(seconds_per_step * p.steps))
                  : tr("%1 — does not fit").arg(p.name));
  preset_->setItemData(preset, error, Qt::ToolTipRole);
  updateEstimate();
}

void TrainSetupPage::applyPreset(int index) {
  const QList<TrainPreset> presets = train_presets();
  if (index < 0 || index >= presets.size()) {
    updateEstimate();
    return;
  }
  applying_preset_ = true;
  steps_->setValue(presets[index].steps);
  batch_->setValue(presets[index].batch);
  channels_->setText(presets[index].channels);
  samples_every_->setValue(default_samples_every(presets[index].steps));
  applying_preset_ = false;
  updateEstimate();
}

void TrainSetupPage::markCustom() {
  if (!applying_preset_) {
    preset_->setCurrentIndex(preset_->count() - 1);
  }
  updateEstimate();
}

void TrainSetupPage::updateEstimate() {
  // A custom setting shares the step time of a preset with its batch and channels.
  double per_step = 0.0;
  const QList<TrainPreset> presets = train_presets();
  for (int i = 0; i < presets.size() && i < seconds_per_step_.size(); ++i) {
    if (presets[i].batch == batch_->value() && presets[i].channels == channels_->text().trimmed()) {
      per_step = seconds_per_step_[i];
    }
  }
  if (data_ == nullptr) {
    estimate_->setText(tr("—"));
  } else if (per_step > 0) {
    estimate_->setText(
        tr("%1 on this machine").arg(approximate_duration(per_step * steps_->value())));
  } else if (per_step < 0) {
    estimate_->setText(tr("these settings do not fit the images"));
  } else if (scanner_->busy()) {
    estimate_->setText(tr("measuring a few steps…"));
  } else {
    estimate_->setText(tr("not measured for custom batch or channels"));
  }
}

void TrainSetupPage::updateDefaultOutput() {
  if (!output_edited_) {
    const QString folder = folder_->text().trimmed();
    output_->setText(folder.isEmpty() ? QString() : free_model_folder(folder));
  }
}

void TrainSetupPage::chooseFolder() {
  const QString folder =
      QFileDialog::getExistingDirectory(this, tr("Train on the images in…"), folder_->text());
  if (!folder.isEmpty()) {
    setFolder(folder);
  }
}

void TrainSetupPage::chooseOutput() {
  QDir().mkpath(models_folder());
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Write the model into…"),
      output_->text().isEmpty() ? models_folder() : output_->text());
  if (!folder.isEmpty()) {
    output_->setText(folder);
    output_edited_ = true;
  }
}

TrainPlan TrainSetupPage::plan() const {
  TrainPlan plan;
  plan.data_dir = QDir::cleanPath(folder_->text().trimmed());
  plan.subfolder_classes = classes_->isChecked();
  plan.resolution = resolution_->currentData().toInt();
  plan.steps = steps_->value();
  plan.batch = batch_->value();
  plan.channels = channels_->text().trimmed();
  plan.out_dir = QDir::cleanPath(output_->text().trimmed());
  plan.samples_every = samples_every_->value();
  // About 400 points on the loss chart, whatever the run's length.
  plan.log_every = std::max(1, plan.steps / 400);
  return plan;
}

void TrainSetupPage::start() {
  if (data_ == nullptr || output_->text().trimmed().isEmpty()) {
    return;
  }
  saveSettings();
  scanner_->cancel();  // the presets' timing would compete with the run for the cores
  Q_EMIT startRequested(plan());
}

void TrainSetupPage::saveSettings() const {
  SettingsStore settings;
  settings.setValue(QStringLiteral("training/folder"), folder_->text().trimmed());
  settings.setValue(QStringLiteral("training/classes"), classes_->isChecked());
  settings.setValue(QStringLiteral("training/resolution"), resolution_->currentData().toInt());
  const int preset = preset_->currentIndex();
  settings.setValue(QStringLiteral("training/preset"),
                    preset < train_presets().size() ? preset : -1);
  settings.setValue(QStringLiteral("training/steps"), steps_->value());
  settings.setValue(QStringLiteral("training/batch"), batch_->value());
  settings.setValue(QStringLiteral("training/channels"), channels_->text().trimmed());
  settings.setValue(QStringLiteral("training/samples_every"), samples_every_->value());
}

void TrainSetupPage::refreshUnfinished() {
  unfinished_->clear();
  const QList<TrainPlan> runs = unfinished_runs();
  for (const TrainPlan& run : runs) {
    unfinished_->addItem(
        tr("%1 → %2 (%3 steps)")
            .arg(QFileInfo(run.data_dir).fileName(), QDir::toNativeSeparators(run.out_dir))
            .arg(run.steps));
  }
  if (!runs.isEmpty()) {
    unfinished_->setCurrentRow(0);
  }
  unfinished_box_->setVisible(!runs.isEmpty());
}

}  // namespace emergence::ui
