// The main window used as a person does: saving a frame with Ctrl+S, the timeline keys wherever
// the focus is, Esc after a menu, the View and Help menus, looping playback, a small window.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "core/trajectory.h"
#include "gui_test_support.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/run_progress.h"
#include "ui/run_wording.h"
#include "ui/shortcuts_dialog.h"
#include "ui/timeline_widget.h"

namespace emergence::ui::test {
namespace {

// Answers the Save dialog with `path` and records the folder it opened in.
void choose_file(QObject* owner, const QString& path, QString* opened_in = nullptr) {
  answer_next_dialog(owner, [path, opened_in](QWidget* dialog) {
    auto* files = qobject_cast<QFileDialog*>(dialog);
    ASSERT_NE(files, nullptr) << dialog->metaObject()->className();
    if (opened_in != nullptr) {
      *opened_in = files->directory().absolutePath();
    }
    // Typed into the name field, as a user would; accept() is what the Save button calls.
    auto* name = files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
    ASSERT_NE(name, nullptr);
    name->setText(path);
    QMetaObject::invokeMethod(files, "accept");
  });
}

TEST(MainWindowTest, CtrlSSavesTheShownFrameWhereTheUserSaysAndRemembersTheFolder) {
  QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 4));
  ASSERT_TRUE(show_active(*window));
  window->timeline()->setCurrentFrame(2);
  window->setView(FrameView::Noise);
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  QSignalSpy saved(window.get(), &MainWindow::frameSaved);

  choose_file(window.get(), dir.filePath(QStringLiteral("chosen.png")));
  QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
  ASSERT_EQ(saved.count(), 1);
  const QString written = saved.front().front().toString();
  EXPECT_EQ(QFileInfo(written).absoluteFilePath(),
            QFileInfo(dir.filePath("chosen.png")).absoluteFilePath());
  const QImage image(written);
  ASSERT_FALSE(image.isNull());
  const QImage shown = window->canvas()->images().front();
  EXPECT_EQ(image.width() % shown.width(), 0);  // the shown frame at the export scale
  EXPECT_EQ(image.scaled(shown.size()).convertToFormat(QImage::Format_RGB888),
            shown.convertToFormat(QImage::Format_RGB888));
  EXPECT_TRUE(QFileInfo::exists(written + QStringLiteral(".json")));
  EXPECT_TRUE(window->statusBar()->currentMessage().contains(QStringLiteral("chosen.png")));

  // The next save starts in the folder used last.
  ASSERT_TRUE(show_active(*window));  // the offscreen platform does not hand activation back
  QString opened_in;
  choose_file(window.get(), dir.filePath(QStringLiteral("again.png")), &opened_in);
  QTest::keyClick(window.get(), Qt::Key_S, Qt::ControlModifier);
  ASSERT_EQ(saved.count(), 2);
  EXPECT_EQ(opened_in, QFileInfo(dir.path()).absoluteFilePath());
}

TEST(MainWindowTest, SaveCurrentFrameSaysWhyItFailed) {
  QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 2));
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  QFile blocker(dir.filePath(QStringLiteral("not_a_folder")));  // a file where a folder must go
  ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
  blocker.close();
  QSignalSpy saved(window.get(), &MainWindow::frameSaved);
  QString message;
  choose_file(window.get(), dir.filePath(QStringLiteral("not_a_folder/frame.png")));
  answer_next_dialog(window.get(), [&message](QWidget* dialog) {
    auto* box = qobject_cast<QMessageBox*>(dialog);
    ASSERT_NE(box, nullptr) << dialog->metaObject()->className();
    message = box->text();
    box->accept();
  });
  window->saveCurrentFrame();
  EXPECT_EQ(saved.count(), 0);
  EXPECT_TRUE(message.startsWith(QStringLiteral("The frame was not saved")))
      << message.toStdString();
  EXPECT_TRUE(message.contains(QStringLiteral("not_a_folder"))) << message.toStdString();
}

TEST(MainWindowTest, TimelineKeysWorkAfterGenerateWithoutClickingTheImage) {
  auto window = window_with_small_model();
  ASSERT_TRUE(show_active(*window));
  window->controls()->stepsBox()->setValue(6);
  window->controls()->stepsBox()->setFocus();  // the user was typing a value
  ASSERT_TRUE(wait_until([&] { return window->controls()->stepsBox()->hasFocus(); }, 5000));
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  QTest::mouseClick(window->controls()->generateButton(), Qt::LeftButton);
  ASSERT_TRUE(ended.wait(60000));
  ASSERT_EQ(window->shownFrame(), 6);

  QWidget* focus = QApplication::focusWidget();
  ASSERT_NE(focus, nullptr);
  QTest::keyClick(focus, Qt::Key_Home);
  EXPECT_EQ(window->shownFrame(), 0);
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right);
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right);
  EXPECT_EQ(window->shownFrame(), 2);
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_End);
  EXPECT_EQ(window->shownFrame(), 6);
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
  EXPECT_TRUE(window->timeline()->isPlaying());
  QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
  EXPECT_FALSE(window->timeline()->isPlaying());
}

TEST(MainWindowTest, TimelineKeysWorkFromTheControlsButYieldToWidgetsThatUseThem) {
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 6));
  ASSERT_TRUE(show_active(*window));
  const auto focus_on = [&](QWidget* widget) {
    widget->setFocus();
    return wait_until([widget] { return widget->hasFocus(); }, 5000);
  };
  // A combo box has no use for ←/→: the timeline takes them.
  ASSERT_TRUE(focus_on(window->controls()->samplerCombo()));
  QTest::keyClick(window->controls()->samplerCombo(), Qt::Key_Left);
  EXPECT_EQ(window->shownFrame(), 5);

  // A text field being edited keeps its cursor keys.
  QSpinBox* steps = window->controls()->stepsBox();
  ASSERT_TRUE(focus_on(steps));
  QTest::keyClick(steps, Qt::Key_Home);
  QTest::keyClick(steps, Qt::Key_Left);
  EXPECT_EQ(window->shownFrame(), 5);

  // A slider keeps its arrows; a button its Space.
  QSlider* shift = window->controls()->shiftSlider();
  ASSERT_TRUE(focus_on(shift));
  const int before = shift->value();
  QTest::keyClick(shift, Qt::Key_Right);
  EXPECT_NE(shift->value(), before);
  EXPECT_EQ(window->shownFrame(), 5);
  QPushButton* generate = window->controls()->generateButton();
  ASSERT_TRUE(focus_on(generate));
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  QTest::keyClick(generate, Qt::Key_Space);
  EXPECT_FALSE(window->timeline()->isPlaying());
  ASSERT_TRUE(ended.wait(60000));  // Space pressed the button: a run started and ended
}

TEST(MainWindowTest, OneEscStopsARunEvenRightAfterAMenuWasClosed) {
  auto window = window_with_small_model();
  ASSERT_TRUE(show_active(*window));
  window->controls()->stepsBox()->setValue(1000);
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  window->generate();
  ASSERT_TRUE(wait_until([&] { return window->frames().count() >= 2; }));

  // Open the File menu from the menu bar with the mouse, then close it with Esc.
  QMenuBar* bar = window->menuBar();
  QAction* file = bar->actions().front();
  QTest::mouseClick(bar, Qt::LeftButton, {}, bar->actionGeometry(file).center());
  ASSERT_TRUE(wait_until([&] { return QApplication::activePopupWidget() != nullptr; }, 5000));
  QTest::keyClick(QApplication::activePopupWidget(), Qt::Key_Escape);
  ASSERT_TRUE(wait_until([&] { return QApplication::activePopupWidget() == nullptr; }, 5000));
  ASSERT_TRUE(window->isRunning());

  QWidget* focus = QApplication::focusWidget() ? QApplication::focusWidget() : window.get();
  QTest::keyClick(focus, Qt::Key_Escape);
  ASSERT_TRUE(ended.count() == 1 || ended.wait(60000));
  EXPECT_TRUE(window->progress()->text().startsWith(QStringLiteral("Stopped")));
}

TEST(MainWindowTest, TheViewMenuReopensEveryPanel) {
  auto window = window_with_small_model();
  ASSERT_TRUE(show_active(*window));
  QMenu* view = nullptr;
  for (QAction* action : window->menuBar()->actions()) {
    if (action->text().remove(QLatin1Char('&')) == QStringLiteral("View")) {
      view = action->menu();
    }
  }
  ASSERT_NE(view, nullptr);
  const QList<QDockWidget*> docks = window->findChildren<QDockWidget*>();
  ASSERT_GE(docks.size(), 2);  // Controls and Spectrum
  for (QDockWidget* dock : docks) {
    ASSERT_TRUE(view->actions().contains(dock->toggleViewAction()))
        << dock->windowTitle().toStdString();
    dock->close();
    EXPECT_FALSE(dock->isVisible());
    dock->toggleViewAction()->trigger();
    EXPECT_TRUE(dock->isVisible()) << dock->windowTitle().toStdString();
  }
}

TEST(MainWindowTest, PlaybackLoopsBackToTheStart) {
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 4));
  EXPECT_TRUE(window->timeline()->loops());  // the default
  window->timeline()->setFps(60);
  window->timeline()->goToLast();
  QList<int> shown;
  QObject::connect(window.get(), &MainWindow::frameShown, window.get(),
                   [&shown](int f) { shown << f; });
  window->timeline()->togglePlay();
  // From the end, play starts over at 0, runs to 4, holds there and wraps round to 0 again.
  ASSERT_TRUE(wait_until([&] { return shown.count(0) >= 2; }, 10000));
  EXPECT_TRUE(window->timeline()->isPlaying());
  EXPECT_EQ(shown.mid(0, 6), (QList<int>{0, 1, 2, 3, 4, 0}));
  window->timeline()->togglePlay();
}

TEST(MainWindowTest, HelpListsTheRealKeyboardShortcuts) {
  auto window = window_with_small_model();
  ShortcutsDialog dialog(window->menuBar());
  const QStringList rows = dialog.entries();
  const auto has = [&rows](const QKeySequence& key, const QString& what) {
    return rows.contains(key.toString(QKeySequence::NativeText) + QStringLiteral(" — ") + what);
  };
  EXPECT_TRUE(has(QKeySequence::Save, QStringLiteral("Save Current Frame")))
      << rows.join('\n').toStdString();
  EXPECT_TRUE(has(QKeySequence(Qt::Key_Escape), QStringLiteral("Stop")));
  EXPECT_TRUE(has(QKeySequence(Qt::Key_Space), QStringLiteral("Play / Pause")));
  EXPECT_TRUE(has(QKeySequence(Qt::Key_Left), QStringLiteral("Previous Frame")));
  EXPECT_TRUE(has(QKeySequence(Qt::Key_2), QStringLiteral("Clean guess (x0)")));
  EXPECT_TRUE(has(QKeySequence::HelpContents, QStringLiteral("Keyboard Shortcuts")));
}

TEST(MainWindowTest, ASmallWindowKeepsAUsableCanvasAndStatusLine) {
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 3));
  ASSERT_TRUE(show_active(*window));
  window->resize(500, 350);
  ASSERT_TRUE(wait_until([&] { return window->width() < 1000; }, 5000));
  QCoreApplication::processEvents();
  EXPECT_GE(window->width(), window->minimumSizeHint().width());
  EXPECT_GE(window->height(), window->minimumSizeHint().height());
  EXPECT_GE(window->canvas()->width(), 240);
  EXPECT_GE(window->canvas()->height(), 180);
  // The progress line stays whole, clear of the zoom read-out and inside the status bar.
  const QRect progress = window->progress()->geometry();
  EXPECT_TRUE(window->statusBar()->rect().contains(progress));
  EXPECT_GE(window->progress()->width(), window->progress()->sizeHint().width());
}

}  // namespace
}  // namespace emergence::ui::test
