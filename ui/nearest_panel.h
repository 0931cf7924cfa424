#pragma once

// NearestPanel: how close the image on screen is to what the model was trained on.
//
// For the shown step's x̂0 (the final image at the last step) it lists the k nearest training
// images (k = 5, settable 1–12, remembered), each with its Euclidean pixel distance and, where the
// folder's manifest.csv says, its name and class, and whether the image is a near copy by the
// memorization test of `emergence evaluate` (core/media/nearest_images.h). The search runs on a
// worker thread (NearestSearch); models without known training data and Stable Diffusion models
// get a plain sentence instead.
#include <QWidget>

#include "nearest_search.h"

class QLabel;
class QSpinBox;
class QTableWidget;

namespace emergence::ui {

class MainWindow;

class NearestPanel : public QWidget {
  Q_OBJECT

 public:
  explicit NearestPanel(QWidget* parent = nullptr);

  NearestSearch* search() const { return search_; }
  int count() const;
  void setCount(int k);

  static constexpr int kDefaultCount = 5;
  static constexpr int kMaxCount = 12;

 public Q_SLOTS:
  void setModel(emergence::ui::ModelInfoPtr info);
  // The frame on the canvas; looked up now when the panel is visible, else once it is shown.
  void setFrame(emergence::ui::FramePtr frame);

 Q_SIGNALS:
  // A search's answer reached the table.
  void resultShown();

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void request();
  void showState();
  void showResult(const NearestResult& result);
  QString folderName() const;  // the training folder's own name (its path in the tooltip)

  NearestSearch* search_;
  QLabel* query_;
  QLabel* header_;
  QLabel* verdict_;
  QSpinBox* count_;
  QTableWidget* table_;
  FramePtr frame_;
  bool stale_ = false;  // frame_ changed while the panel was hidden
};

// Docks the panel in the window (View › Nearest Training Images, Ctrl+Shift+T) and feeds it the
// loaded model and the shown frame.
void attach_nearest_panel(MainWindow& window, NearestPanel* panel);

}  // namespace emergence::ui
