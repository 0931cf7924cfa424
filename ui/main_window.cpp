#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMenuBar>

namespace emergence::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("Emergence"));
  auto* file = menuBar()->addMenu(tr("&File"));
  QAction* quit = file->addAction(tr("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, qApp, &QApplication::quit);
  setCentralWidget(new QLabel(tr("Emergence"), this));
  resize(1100, 750);
}

}  // namespace emergence::ui
