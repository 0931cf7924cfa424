#pragma once

#include <QDialog>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>

#include "core/media/export/export_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;
class QTimer;

namespace emergence {
struct Trajectory;
}

namespace emergence::ui {

// Exports a run (Ctrl+E): view, frame range, stride, format, scale, timing and destination, with a
// live estimate of frame count and file size. The export runs on a worker thread with a progress
// bar and Cancel; existing files are replaced only after the user agrees. The controls remember
// their last values in QSettings (group "export").
class ExportDialog : public QDialog {
  Q_OBJECT

 public:
  // Keeps its own copy of the run (shared, immutable frames), so the caller may move on.
  ExportDialog(const emergence::Trajectory& trajectory, QWidget* parent = nullptr);
  ~ExportDialog() override;

  // The export the controls describe.
  ExportSettings settings() const;
  // Asked with the paths that exist before they are replaced; the default shows a message box.
  void setOverwriteQuestion(std::function<bool(const QStringList& existing)> ask);
  bool exportRunning() const;

 public Q_SLOTS:
  void startExport();
  void cancelExport();
  // Close; while an export runs it cancels the export instead and stays open.
  void reject() override;

 Q_SIGNALS:
  void exportFinished(const QStringList& files);
  void exportFailed(const QString& message);
  void exportCancelled();

 private:
  void buildControls();
  void loadSettings();
  void saveSettings() const;
  void updateEstimate();
  void updateEnabled();
  void finishExport();
  ExportFormat shownFormat() const;
  // The burn-in boxes remember one choice for the formats that show several steps and one for the
  // final image.
  struct BurnIn {
    bool label = false;
    bool progress_bar = false;
  };
  BurnIn& burnInOfShownFormat();
  void showBurnInOfFormat();
  // Enough scale for kDefaultMinSide pixels, for a picture size not exported before.
  int defaultScale() const;
  QString scaleKey() const;
  int imageWidth() const;
  int imageHeight() const;

  std::unique_ptr<emergence::Trajectory> trajectory_;
  std::function<bool(const QStringList&)> ask_overwrite_;
  std::atomic<bool> cancel_{false};
  QThread* worker_ = nullptr;
  struct Outcome;
  std::shared_ptr<Outcome> outcome_;
  BurnIn steps_burn_in_;
  BurnIn still_burn_in_;

  QComboBox* view_ = nullptr;
  QSpinBox* first_ = nullptr;
  QSpinBox* last_ = nullptr;
  QSpinBox* stride_ = nullptr;
  QComboBox* format_ = nullptr;
  QSpinBox* scale_ = nullptr;
  QCheckBox* smooth_ = nullptr;
  QCheckBox* label_ = nullptr;
  QCheckBox* progress_bar_ = nullptr;
  QCheckBox* global_palette_ = nullptr;
  QDoubleSpinBox* fps_ = nullptr;
  QSpinBox* hold_ = nullptr;
  QLineEdit* folder_ = nullptr;
  QLineEdit* name_ = nullptr;
  QLabel* estimate_ = nullptr;
  QLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* export_button_ = nullptr;
  QPushButton* close_button_ = nullptr;
  QTimer* estimate_timer_ = nullptr;
};

}  // namespace emergence::ui
