#pragma once

#include <QDialog>
#include <QImage>
#include <QPointer>
#include <atomic>
#include <memory>
#include <vector>

#include "spread_plot.h"

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;

namespace emergence {
struct GenerationParams;
}

namespace emergence::ui {

// Means to modes: N branches of the shown run from the shown step with fresh noise, as a grid
// that fills in live, and the spread of the final images of branches taken from that step to the
// end (core/media/fan_out.h). As Variations, a grid of the run's variations (variation seeds at
// one strength) instead. Runs on its own thread with its own copy of the model.
class FanOutDialog : public QDialog {
  Q_OBJECT

 public:
  enum class Kind { FanOut, Variations };

  FanOutDialog(const QString& model_folder, const emergence::GenerationParams& parent_run,
               int at_step, Kind kind = Kind::FanOut, QWidget* parent = nullptr);
  ~FanOutDialog() override;

  bool isRunning() const { return thread_ != nullptr; }
  QImage gridImage() const { return grid_image_; }
  SpreadPlot* plot() const { return plot_; }
  QSpinBox* branchesBox() const { return branches_; }
  QSpinBox* pointsBox() const { return points_; }
  QDoubleSpinBox* strengthBox() const { return strength_; }
  int tilesDone() const { return static_cast<int>(tiles_.size()); }

 public Q_SLOTS:
  void start();
  void cancel();
  // Writes the grid as a PNG and the spread as CSV beside it, to a path the user names.
  void save();

 Q_SIGNALS:
  void fanOutEnded(bool cancelled_or_failed);

 private:
  // What the worker thread calls to run f(dialog) on the GUI thread; dropped once it is closed.
  static auto poster(QPointer<FanOutDialog> self) {
    return [self](auto call) {
      QMetaObject::invokeMethod(
          self,
          [self, call] {
            if (self) {
              call(*self);
            }
          },
          Qt::QueuedConnection);
    };
  }
  void showTile(int point, const QImage& tile, int done, int total);
  void showSpread(const SpreadSeries& series, int done, int total);
  void showFailure(const QString& message);
  void startVariations();
  void threadEnded();
  void closeEvent(QCloseEvent* event) override;

  QString model_folder_;
  std::unique_ptr<emergence::GenerationParams> parent_run_;
  int at_step_;
  Kind kind_;
  QSpinBox* branches_ = nullptr;
  QDoubleSpinBox* strength_ = nullptr;
  QSpinBox* points_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* save_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QLabel* grid_ = nullptr;
  SpreadPlot* plot_ = nullptr;
  std::vector<QImage> tiles_;
  QImage grid_image_;
  QString csv_;
  QThread* thread_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  bool failed_ = false;
};

}  // namespace emergence::ui
