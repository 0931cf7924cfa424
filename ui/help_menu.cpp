#include "help_menu.h"

#include <QApplication>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>

#include "shortcuts_dialog.h"

namespace emergence::ui {

void add_help_menu(QMainWindow* window) {
  QMenu* help = window->menuBar()->addMenu(QObject::tr("&Help"));
  QAction* keys = help->addAction(QObject::tr("&Keyboard Shortcuts…"), window, [window] {
    auto* dialog = new ShortcutsDialog(window->menuBar(), window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
  });
  keys->setShortcut(QKeySequence::HelpContents);
  help->addAction(QObject::tr("&About Emergence"), window, [window] {
    QMessageBox::about(
        window, QObject::tr("About Emergence"),
        QObject::tr("<h3>Emergence %1</h3>"
                    "<p>Watch an image emerge from noise, one denoising step at a time: scrub "
                    "the steps, steer the schedule and see which frequencies settle first.</p>"
                    "<p>Built with Qt %2.</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
  });
}

}  // namespace emergence::ui
