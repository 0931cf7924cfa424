#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace emergence::ui {

// Which model samples: the built-in one, a recent folder, or "Open folder…". Shows what the
// loaded model is (size, channels, classes).
class ModelPicker : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPicker(QWidget* parent = nullptr);

  // builtin_dir is empty when the app ships no built-in model.
  void setChoices(const QString& builtin_dir, const QStringList& recent, const QString& current);
  void setDescription(const QString& text);

 Q_SIGNALS:
  void modelChosen(const QString& folder);
  void openFolderRequested();

 private:
  QComboBox* combo_;
  QPushButton* open_;
  QLabel* description_;
};

}  // namespace emergence::ui
