#pragma once

#include <QWidget>
#include <memory>

#include "train_plan.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTimer;

namespace emergence {
struct ImageFolder;
}

namespace emergence::ui {

class TrainDataPreview;
class TrainScanner;
struct TrainDataSummary;

// The first page of Train on a Folder: the data (folder, classes, size) with its preview, the
// settings with presets and their estimated time on this machine, the output model folder, and
// the unfinished runs of earlier sessions to resume. Remembers its choices.
class TrainSetupPage : public QWidget {
  Q_OBJECT

 public:
  explicit TrainSetupPage(QWidget* parent = nullptr);
  ~TrainSetupPage() override;

  void setFolder(const QString& folder);
  // One of train_presets(), as if chosen in the combo.
  void setPreset(int index);
  TrainPlan plan() const;
  void refreshUnfinished();

  QLineEdit* folderEdit() const { return folder_; }
  QCheckBox* classesBox() const { return classes_; }
  QComboBox* resolutionCombo() const { return resolution_; }
  QComboBox* presetCombo() const { return preset_; }
  QSpinBox* stepsBox() const { return steps_; }
  QSpinBox* batchBox() const { return batch_; }
  QLineEdit* channelsEdit() const { return channels_; }
  QSpinBox* samplesEveryBox() const { return samples_every_; }
  QLineEdit* outputEdit() const { return output_; }
  QPushButton* startButton() const { return start_; }
  QListWidget* unfinishedList() const { return unfinished_; }
  QPushButton* resumeButton() const { return resume_; }
  TrainDataPreview* preview() const { return preview_; }
  QLabel* estimateLabel() const { return estimate_; }
  // Whether the folder shown has been read (and its images are usable).
  bool dataReady() const;

 Q_SIGNALS:
  void startRequested(const emergence::ui::TrainPlan& plan);
  void resumeRequested(const emergence::ui::TrainPlan& plan);
  void dataScanned();

 private:
  QWidget* buildDataBox();
  QWidget* buildSettingsBox();
  void rescan();
  void onScanned(int id, const TrainDataSummary& summary);
  void onEstimated(int id, int preset, double seconds_per_step, const QString& error);
  void applyPreset(int index);
  void markCustom();
  void updateEstimate();
  void updateDefaultOutput();
  void chooseFolder();
  void chooseOutput();
  void start();
  void saveSettings() const;

  TrainScanner* scanner_;
  QTimer* rescan_timer_;
  QLineEdit* folder_;
  QCheckBox* classes_;
  QComboBox* resolution_;
  TrainDataPreview* preview_;
  QComboBox* preset_;
  QSpinBox* steps_;
  QSpinBox* batch_;
  QLineEdit* channels_;
  QSpinBox* samples_every_;
  QLabel* estimate_;
  QLineEdit* output_;
  QPushButton* start_;
  QListWidget* unfinished_;
  QPushButton* resume_;
  QWidget* unfinished_box_;
  int scan_id_ = 0;
  int estimate_id_ = 0;
  std::shared_ptr<const ImageFolder> data_;
  QList<double> seconds_per_step_;  // per preset; 0: not measured yet, < 0: does not fit
  bool output_edited_ = false;      // the user typed or chose an output folder
  bool applying_preset_ = false;
};

}  // namespace emergence::ui
