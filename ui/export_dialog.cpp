#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/staged_output.h"
#include "core/trajectory.h"

namespace emergence::ui {

// What the worker thread hands back; read only after the thread has finished.
struct ExportDialog::Outcome {
  ExportResult result;
  QString error;
};

namespace {

bool is_animation(ExportFormat f) {
  return f == ExportFormat::Gif || f == ExportFormat::Mp4 || f == ExportFormat::WebP;
}

QString file_size(uint64_t bytes) {
  return QLocale().formattedDataSize(static_cast<qint64>(bytes));
}

}  // namespace

ExportDialog::ExportDialog(const emergence::Trajectory& trajectory, QWidget* parent)
    : QDialog(parent), trajectory_(std::make_unique<emergence::Trajectory>(trajectory)) {
  setWindowTitle(tr("Export"));
  ask_overwrite_ = [this](const QStringList& existing) {
    const QString list = existing.mid(0, 5).join(QStringLiteral("\n")) +
                         (existing.size() > 5 ? QStringLiteral("\n…") : QString());
    return QMessageBox::question(
               this, tr("Replace files?"),
               tr("These files already exist and would be replaced:\n%1").arg(list),
               QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
  };
  buildControls();
  loadSettings();
  updateEnabled();
  updateEstimate();
}

ExportDialog::~ExportDialog() {
  cancel_ = true;
  if (worker_) {
    worker_->wait();
    delete worker_;
  }
}

ExportDialog::BurnIn& ExportDialog::burnInOfShownFormat() {
  return shownFormat() == ExportFormat::Still ? still_burn_in_ : steps_burn_in_;
}

void ExportDialog::showBurnInOfFormat() {
  const BurnIn shown = burnInOfShownFormat();  // a copy: setChecked writes back into it
  label_->setChecked(shown.label);
  progress_bar_->setChecked(shown.progress_bar);
}

ExportSettings ExportDialog::settings() const {
  ExportSettings s;
  s.format = shownFormat();
  s.view = static_cast<ExportView>(std::max(0, view_->currentIndex()));
  s.first_frame = first_->value();
  s.last_frame = last_->value();
  s.stride = stride_->value();
  s.scale = scale_->value();
  s.smooth = smooth_->isChecked();
  s.step_label = label_->isChecked();
  s.progress_bar = s.format != ExportFormat::Still && progress_bar_->isChecked();
  s.global_palette = global_palette_->isChecked();
  s.frame_delay_ms = std::max(20.0, 1000.0 / fps_->value());
  s.hold_last_ms = hold_->value();
  s.directory = folder_->text().toStdString();
  s.base_name = name_->text().trimmed().toStdString();
  return s;
}

void ExportDialog::setOverwriteQuestion(std::function<bool(const QStringList&)> ask) {
  ask_overwrite_ = std::move(ask);
}

bool ExportDialog::exportRunning() const { return worker_ != nullptr; }

void ExportDialog::updateEnabled() {
  const ExportFormat format = shownFormat();
  const bool running = exportRunning();
  fps_->setEnabled(is_animation(format));
  hold_->setEnabled(is_animation(format));
  global_palette_->setEnabled(format == ExportFormat::Gif);
  stride_->setEnabled(format != ExportFormat::Still);
  first_->setEnabled(format != ExportFormat::Still);
  progress_bar_->setEnabled(format != ExportFormat::Still);  // always full on the last step
  export_button_->setEnabled(!running && !trajectory_->frames.empty());
  close_button_->setText(running ? tr("Cancel") : tr("Close"));
}

void ExportDialog::updateEstimate() {
  try {
    const ExportEstimate e = estimate_export(*trajectory_, settings());
    const QString pictures = e.frames == 1 ? tr("1 picture") : tr("%1 pictures").arg(e.frames);
    estimate_->setText(tr("%1, %2 × %3 px, about %4")
                           .arg(pictures)
                           .arg(e.width)
                           .arg(e.height)
                           .arg(file_size(e.bytes)));
  } catch (const Error& e) {
    estimate_->setText(QString::fromStdString(e.what()));
  }
}

void ExportDialog::startExport() {
  if (exportRunning()) {
    return;
  }
  ExportSettings s = settings();
  try {
    recover_folder(s.directory);  // so that a killed export's leftovers are not asked about
    QStringList existing;
    for (const std::string& path : planned_files(*trajectory_, s)) {
      if (QFileInfo::exists(QString::fromStdString(path))) {
        existing << QString::fromStdString(path);
      }
    }
    if (!existing.isEmpty()) {
      if (!ask_overwrite_(existing)) {
        status_->setText(tr("Not exported: the files exist and were kept."));
        return;
      }
      s.overwrite = true;
    }
  } catch (const Error& e) {
    status_->setText(QString::fromStdString(e.what()));
    Q_EMIT exportFailed(status_->text());
    return;
  }
  saveSettings();
  cancel_ = false;
  outcome_ = std::make_shared<Outcome>();
  status_->setText(tr("Exporting…"));
  progress_->setRange(0, 1);
  progress_->setValue(0);
  ExportControl control;
  control.cancel = &cancel_;
  control.progress = [bar = progress_](int done, int total) {
    QMetaObject::invokeMethod(
        bar,
        [bar, done, total] {
          bar->setRange(0, total);
          bar->setValue(done);
        },
        Qt::QueuedConnection);
  };
  worker_ = QThread::create([trajectory = *trajectory_, s, control, outcome = outcome_] {
    try {
      outcome->result = export_trajectory(trajectory, s, control);
    } catch (const std::exception& e) {
      outcome->error = QString::fromStdString(e.what());
    }
  });
  connect(worker_, &QThread::finished, this, &ExportDialog::finishExport);
  updateEnabled();
  worker_->start();
}

void ExportDialog::finishExport() {
  worker_->deleteLater();
  worker_ = nullptr;
  updateEnabled();
  const std::shared_ptr<Outcome> outcome = std::move(outcome_);
  if (!outcome->error.isEmpty()) {
    status_->setText(tr("Export failed: %1").arg(outcome->error));
    Q_EMIT exportFailed(outcome->error);
    return;
  }
  if (outcome->result.cancelled) {
    progress_->setValue(0);
    status_->setText(tr("Export cancelled; nothing was written."));
    Q_EMIT exportCancelled();
    return;
  }
  QStringList files;
  for (const std::string& path : outcome->result.files) {
    files << QString::fromStdString(path);
  }
  QString text = tr("Wrote %1 (%2)").arg(files.front(), file_size(outcome->result.bytes));
  if (files.size() > 2) {
    text = tr("Wrote %1 files to %2 (%3)")
               .arg(files.size())
               .arg(folder_->text(), file_size(outcome->result.bytes));
  }
  if (!outcome->result.codec.empty()) {
    text += tr(", codec %1").arg(QString::fromStdString(outcome->result.codec));
  }
  status_->setText(text);
  Q_EMIT exportFinished(files);
}

void ExportDialog::cancelExport() { cancel_ = true; }

void ExportDialog::reject() {
  if (exportRunning()) {
    cancelExport();  // the dialog stays until the worker has cleaned up
    return;
  }
  saveSettings();
  QDialog::reject();
}

}  // namespace emergence::ui
