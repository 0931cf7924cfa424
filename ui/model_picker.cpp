#include "model_picker.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace emergence::ui {

ModelPicker::ModelPicker(QWidget* parent)
    : QWidget(parent),
      combo_(new QComboBox(this)),
      open_(new QPushButton(tr("Open…"), this)),
      description_(new QLabel(this)) {
  combo_->setObjectName(QStringLiteral("modelCombo"));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo_->setMinimumContentsLength(12);
  open_->setToolTip(tr("Open a diffusers UNet2DModel folder (Ctrl+O), or drop one on the window"));
  description_->setWordWrap(true);
  description_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  combo_->setToolTip(tr("The model that draws: the built-in one or a folder opened before"));
  // Picker and button share a row so the panel stays short enough for small windows.
  auto* choice = new QHBoxLayout;
  choice->addWidget(combo_, 1);
  choice->addWidget(open_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(choice);
  layout->addWidget(description_);
  connect(open_, &QPushButton::clicked, this, &ModelPicker::openFolderRequested);
  connect(combo_, &QComboBox::activated, this, [this](int index) {
    const QString folder = combo_->itemData(index).toString();
    if (!folder.isEmpty()) {
      Q_EMIT modelChosen(folder);
    }
  });
}

void ModelPicker::setChoices(const QString& builtin_dir, const QStringList& recent,
                             const QString& current) {
  QSignalBlocker block(combo_);
  combo_->clear();
  if (!builtin_dir.isEmpty()) {
    combo_->addItem(tr("Built-in model"), builtin_dir);
  }
  QStringList folders = recent;
  if (!current.isEmpty() && !folders.contains(current) && current != builtin_dir) {
    folders.prepend(current);
  }
  for (const QString& folder : folders) {
    if (folder != builtin_dir) {
      combo_->addItem(QDir(folder).dirName(), folder);
      combo_->setItemData(combo_->count() - 1, QDir::toNativeSeparators(folder), Qt::ToolTipRole);
    }
  }
  if (combo_->count() == 0) {
    combo_->addItem(tr("No model: open a folder"), QString());
  }
  const int index = combo_->findData(current);
  combo_->setCurrentIndex(index >= 0 ? index : 0);
}

void ModelPicker::setDescription(const QString& text) { description_->setText(text); }

}  // namespace emergence::ui
