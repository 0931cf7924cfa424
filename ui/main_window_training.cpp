// File › Train on a Folder…: the training window, and what its finished models do here.
#include "main_window.h"
#include "settings_store.h"
#include "train_window.h"

namespace emergence::ui {

void MainWindow::openTrainingWindow() {
  if (train_window_ == nullptr) {
    train_window_ = new TrainWindow(this);
    connect(train_window_, &TrainWindow::modelFinished, this, [this](const QString& folder) {
      settings_->addRecentModel(folder);
      refreshModelChoices();
    });
    connect(train_window_, &TrainWindow::openModelRequested, this, [this](const QString& folder) {
      openModelFolder(folder);
      raise();
      activateWindow();
    });
  }
  train_window_->show();
  train_window_->raise();
  train_window_->activateWindow();
}

}  // namespace emergence::ui
