#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace emergence::ui {

class ModelLoadingIndicator;

// Which model samples: the built-in one, a recent folder or checkpoint file (Stable Diffusion
// folders and single .safetensors files as well as UNet2DModel folders), or "Open…"; and on which
// device. Shows what the loaded model is, and a busy line while one loads.
class ModelPicker : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPicker(QWidget* parent = nullptr);

  // builtin_dir is empty when the app ships no built-in model.
  void setChoices(const QString& builtin_dir, const QStringList& recent, const QString& current);
  void setDescription(const QString& text);
  // The devices models may run on ("cpu", "cuda:0", …); with the CPU alone the combo is
  // disabled and its tooltip says why.
  void setDevices(const QStringList& devices, const QString& current);
  QString device() const;
  ModelLoadingIndicator* loadingIndicator() const { return loading_; }
  QComboBox* deviceCombo() const { return device_; }

 Q_SIGNALS:
  void modelChosen(const QString& path);
  void openFolderRequested();
  void deviceChosen(const QString& device);

 private:
  QComboBox* combo_;
  QPushButton* open_;
  QComboBox* device_;
  ModelLoadingIndicator* loading_;
  QLabel* description_;
};

}  // namespace emergence::ui
