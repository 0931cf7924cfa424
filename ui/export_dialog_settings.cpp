// What the export dialog remembers between sessions, and the default scale for a picture size
// it has not exported before.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardPaths>
#include <algorithm>

#include "core/media/export/exported_frame.h"
#include "core/trajectory.h"
#include "export_dialog.h"

namespace emergence::ui {
namespace {

// Small models make tiny pictures: scale them to at least this many pixels by default.
constexpr int kDefaultMinSide = 256;

}  // namespace

void ExportDialog::loadSettings() {
  QSettings store;
  store.beginGroup(QStringLiteral("export"));
  view_->setCurrentIndex(store.value(QStringLiteral("view"), 0).toInt());
  stride_->setValue(store.value(QStringLiteral("stride"), 1).toInt());
  {
    const QSignalBlocker block(format_);  // its burn-in is shown below, once it is loaded
    format_->setCurrentIndex(store.value(QStringLiteral("format"), 0).toInt());
  }
  scale_->setValue(store.value(scaleKey(), defaultScale()).toInt());
  smooth_->setChecked(store.value(QStringLiteral("smooth"), false).toBool());
  steps_burn_in_.label = store.value(QStringLiteral("label"), false).toBool();
  steps_burn_in_.progress_bar = store.value(QStringLiteral("progressBar"), false).toBool();
  still_burn_in_.label = store.value(QStringLiteral("stillLabel"), false).toBool();
  showBurnInOfFormat();
  global_palette_->setChecked(store.value(QStringLiteral("globalPalette"), false).toBool());
  fps_->setValue(store.value(QStringLiteral("fps"), 10.0).toDouble());
  hold_->setValue(store.value(QStringLiteral("holdMs"), 1000).toInt());
  folder_->setText(store
                       .value(QStringLiteral("folder"),
                              QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
                       .toString());
  name_->setText(store.value(QStringLiteral("name"), QStringLiteral("emergence")).toString());
}

int ExportDialog::defaultScale() const {
  const int side = std::max(imageWidth(), imageHeight());
  return side <= 0 ? 4 : std::clamp((kDefaultMinSide + side - 1) / side, 1, 64);
}

// Remembered per picture size: the ×8 that suits a 32 px model would make a 512 px one huge.
QString ExportDialog::scaleKey() const {
  return QStringLiteral("scale/%1x%2").arg(imageWidth()).arg(imageHeight());
}

int ExportDialog::imageWidth() const { return exported_image_size(*trajectory_).width; }

int ExportDialog::imageHeight() const { return exported_image_size(*trajectory_).height; }

void ExportDialog::saveSettings() const {
  QSettings store;
  store.beginGroup(QStringLiteral("export"));
  store.setValue(QStringLiteral("view"), view_->currentIndex());
  store.setValue(QStringLiteral("stride"), stride_->value());
  store.setValue(QStringLiteral("format"), format_->currentIndex());
  store.setValue(scaleKey(), scale_->value());
  store.setValue(QStringLiteral("smooth"), smooth_->isChecked());
  store.setValue(QStringLiteral("label"), steps_burn_in_.label);
  store.setValue(QStringLiteral("progressBar"), steps_burn_in_.progress_bar);
  store.setValue(QStringLiteral("stillLabel"), still_burn_in_.label);
  store.setValue(QStringLiteral("globalPalette"), global_palette_->isChecked());
  store.setValue(QStringLiteral("fps"), fps_->value());
  store.setValue(QStringLiteral("holdMs"), hold_->value());
  store.setValue(QStringLiteral("folder"), folder_->text());
  store.setValue(QStringLiteral("name"), name_->text());
}

}  // namespace emergence::ui
