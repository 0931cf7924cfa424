// Emergence: with no arguments, the main window; with a subcommand, the headless front end.
#include <QApplication>

#include "app/cli.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
  if (argc > 1) {
    return emergence::app::run_cli(argc, argv);
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Emergence"));
  QApplication::setApplicationName(QStringLiteral("Emergence"));
  QApplication::setApplicationVersion(QStringLiteral(EMERGENCE_VERSION));
  emergence::ui::MainWindow window;
  window.show();
  return QApplication::exec();
}
