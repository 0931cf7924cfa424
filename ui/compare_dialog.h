#pragma once

#include <QDialog>
#include <QImage>
#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QThread;

namespace emergence {
struct GenerationParams;
}

namespace emergence::ui {

// "What more steps buy": samplers × step counts of one seed against a long reference run. The
// comparison runs on its own thread with its own copy of the model; the grid fills in cell by
// cell (each redrawn image arrives through a queued call) and Cancel stops it between calls.
class CompareDialog : public QDialog {
  Q_OBJECT

 public:
  // base: the window's current parameters (seed, class, guidance, schedule, shift).
  CompareDialog(const QString& model_folder, const emergence::GenerationParams& base,
                QWidget* parent = nullptr);
  ~CompareDialog() override;

  bool isRunning() const { return thread_ != nullptr; }
  QImage gridImage() const { return grid_image_; }
  QImage chartImage() const { return chart_image_; }
  QProgressBar* progressBar() const { return progress_; }
  QLineEdit* stepsEdit() const { return steps_; }
  QListWidget* samplerList() const { return samplers_; }
  QSpinBox* referenceSteps() const { return reference_steps_; }

 public Q_SLOTS:
  void start();
  void cancel();
  void saveImages();

 Q_SIGNALS:
  void comparisonEnded(bool cancelled_or_failed);

 private:
  void showCell(const QImage& grid, int done, int total, const QString& status);
  void showResult(const QImage& grid, const QImage& chart, const QString& summary);
  void showFailure(const QString& message);
  void threadEnded();
  void closeEvent(QCloseEvent* event) override;

  QString model_folder_;
  std::unique_ptr<emergence::GenerationParams> base_;
  QListWidget* samplers_ = nullptr;
  QLineEdit* steps_ = nullptr;
  QSpinBox* reference_steps_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* save_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QLabel* grid_ = nullptr;
  QLabel* chart_ = nullptr;
  QImage grid_image_;
  QImage chart_image_;
  QThread* thread_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  bool failed_ = false;
};

}  // namespace emergence::ui
