#include "model_picker.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "model_loading_indicator.h"

namespace emergence::ui {

ModelPicker::ModelPicker(QWidget* parent)
    : QWidget(parent),
      combo_(new QComboBox(this)),
      open_(new QPushButton(tr("Open…"), this)),
      device_(new QComboBox(this)),
      loading_(new ModelLoadingIndicator(this)),
      description_(new QLabel(this)) {
  combo_->setObjectName(QStringLiteral("modelCombo"));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo_->setMinimumContentsLength(12);
  device_->setObjectName(QStringLiteral("deviceCombo"));
  open_->setToolTip(
      tr("Open a model (Ctrl+O): a diffusers folder (UNet2DModel or Stable Diffusion) or a "
         "Stable Diffusion .safetensors checkpoint; or drop one on the window"));
  description_->setWordWrap(true);
  description_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  combo_->setToolTip(tr("The model that draws: the built-in one or one opened before"));
  // Picker and button share a row so the panel stays short enough for small windows.
  auto* choice = new QHBoxLayout;
  choice->addWidget(combo_, 1);
  choice->addWidget(open_);
  auto* device_row = new QHBoxLayout;
  device_row->addWidget(new QLabel(tr("Device"), this));
  device_row->addWidget(device_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(choice);
  layout->addLayout(device_row);
  layout->addWidget(loading_);
  layout->addWidget(description_);
  connect(open_, &QPushButton::clicked, this, &ModelPicker::openFolderRequested);
  connect(combo_, &QComboBox::activated, this, [this](int index) {
    const QString path = combo_->itemData(index).toString();
    if (!path.isEmpty()) {
      Q_EMIT modelChosen(path);
    }
  });
  connect(device_, &QComboBox::activated, this,
          [this](int index) { Q_EMIT deviceChosen(device_->itemData(index).toString()); });
  setDevices({QStringLiteral("cpu")}, QStringLiteral("cpu"));
}

void ModelPicker::setChoices(const QString& builtin_dir, const QStringList& recent,
                             const QString& current) {
  QSignalBlocker block(combo_);
  combo_->clear();
  if (!builtin_dir.isEmpty()) {
    combo_->addItem(tr("Built-in model"), builtin_dir);
  }
  QStringList paths = recent;
  if (!current.isEmpty() && !paths.contains(current) && current != builtin_dir) {
    paths.prepend(current);
  }
  for (const QString& path : paths) {
    if (path != builtin_dir) {
      combo_->addItem(QFileInfo(path).fileName(), path);
      combo_->setItemData(combo_->count() - 1, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
  }
  if (combo_->count() == 0) {
    combo_->addItem(tr("No model: open one"), QString());
  }
  const int index = combo_->findData(current);
  combo_->setCurrentIndex(index >= 0 ? index : 0);
}

void ModelPicker::setDescription(const QString& text) { description_->setText(text); }

void ModelPicker::setDevices(const QStringList& devices, const QString& current) {
  QSignalBlocker block(device_);
  device_->clear();
  for (const QString& device : devices) {
    device_->addItem(device == QStringLiteral("cpu") ? tr("CPU") : device.toUpper(), device);
  }
  const int index = device_->findData(current);
  device_->setCurrentIndex(index >= 0 ? index : 0);
  const bool choice = devices.size() > 1;
  device_->setEnabled(choice);
  device_->setToolTip(
      choice ? tr("Where the model runs: the CPU, or a GPU in float16 (Stable Diffusion models)")
             : tr("The CPU only: this build of Emergence uses a libtorch without CUDA, or no GPU "
                  "was found"));
}

QString ModelPicker::device() const { return device_->currentData().toString(); }

}  // namespace emergence::ui
