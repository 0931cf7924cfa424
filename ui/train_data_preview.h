#pragma once

#include <QWidget>

class QLabel;
class QListWidget;

namespace emergence::ui {

struct TrainDataSummary;

// What a run would train on: a contact sheet of the images after cropping and resizing, the
// count per class, and the files that will be skipped with the reason for each.
class TrainDataPreview : public QWidget {
  Q_OBJECT

 public:
  explicit TrainDataPreview(QWidget* parent = nullptr);

  void showScanning(const QString& folder);
  void showSummary(const TrainDataSummary& summary);
  void clear(const QString& message);

  QString countsText() const;
  QString skippedText() const;
  QLabel* sheet() const { return sheet_; }

 private:
  QLabel* sheet_;
  QLabel* counts_;
  QLabel* skipped_title_;
  QListWidget* skipped_;
};

}  // namespace emergence::ui
