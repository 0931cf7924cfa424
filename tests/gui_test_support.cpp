#include "gui_test_support.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include "test_paths.h"
#include "ui/controls_panel.h"
#include "ui/message_banner.h"

namespace emergence::ui::test {

QString test_data_dir(const QString& relative) {
  return QString::fromStdString(emergence::test::test_data_dir()) + QLatin1Char('/') + relative;
}

QString small_model_dir() { return test_data_dir(QStringLiteral("unet/unet_small")); }

bool wait_until(const std::function<bool()>& condition, int timeout_ms) {
  return QTest::qWaitFor(condition, timeout_ms);
}

std::unique_ptr<MainWindow> window_with_small_model() {
  QSettings().clear();
  auto window = std::make_unique<MainWindow>(QString());
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(small_model_dir());
  if (!ready.wait(60000)) {
    ADD_FAILURE() << "the unet_small fixture did not load: "
                  << window->banner()->text().toStdString();
  }
  return window;
}

bool run_to_end(MainWindow& window, int steps) {
  window.controls()->stepsBox()->setValue(steps);
  QSignalSpy ended(&window, &MainWindow::runEnded);
  window.generate();
  return ended.wait(120000);
}

bool show_active(MainWindow& window) {
  window.show();
  window.activateWindow();
  return QTest::qWaitForWindowActive(&window);
}

void answer_next_dialog(QObject* owner, const std::function<void(QWidget* dialog)>& answer) {
  // Polled from the dialog's own event loop: exec() blocks the test until the dialog closes.
  auto* poll = new QTimer(owner);
  poll->setInterval(10);
  QObject::connect(poll, &QTimer::timeout, poll, [poll, answer] {
    QWidget* dialog = QApplication::activeModalWidget();
    if (dialog != nullptr && dialog->isVisible()) {
      poll->stop();
      poll->deleteLater();
      answer(dialog);
    }
  });
  poll->start();
}

bool drop_file_on(QWidget& window, const QString& path) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  // Qt delivers a drop to the widget that accepted the drag's enter event.
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &enter);
  if (!enter.isAccepted()) {
    return false;
  }
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window, &drop);
  return drop.isAccepted();
}

}  // namespace emergence::ui::test
