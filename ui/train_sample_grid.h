#pragma once

#include <QImage>
#include <QStringList>
#include <QWidget>

namespace emergence::ui {

// The latest sample grid of a run (app/train_samples.h): each tile enlarged to fit, crisp, with
// its class name under it, and the step it was drawn at.
class TrainSampleGrid : public QWidget {
  Q_OBJECT

 public:
  explicit TrainSampleGrid(QWidget* parent = nullptr);

  // Reads the grid PNG and the folder's index.json (tile layout, class names); false if the
  // PNG cannot be read (the last grid stays).
  bool showGrid(const QString& png, int step);
  // The grid index.json in `samples_dir` points at, if any.
  bool showLatest(const QString& samples_dir);
  int step() const { return step_; }
  int tileCount() const { return static_cast<int>(tiles_.size()); }
  QStringList labels() const { return labels_; }
  QSize sizeHint() const override { return {360, 320}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<QImage> tiles_;
  QStringList labels_;
  int columns_ = 1;
  int step_ = -1;
};

}  // namespace emergence::ui
