#pragma once

#include <QMainWindow>

namespace emergence::ui {

// The application window: canvas, controls, timeline and status bar.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace emergence::ui
