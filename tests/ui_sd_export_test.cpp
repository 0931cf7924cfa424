// Export Steps (Ctrl+E) of a Stable Diffusion run in the window (tests/data/sd/tiny_sd1: 64×64 px
// from 8×8 latents, no TAESD): the pictures have the image size, the default scale follows it, and
// the last step is the window's VAE image.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "gui_test_support.h"
#include "ui/controls_panel.h"
#include "ui/export_dialog.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/prompt_panel.h"

namespace emergence::ui::test {
namespace {

template <typename T>
T* named_child(QObject& parent, const char* name) {
  T* found = parent.findChild<T*>(QString::fromLatin1(name));
  EXPECT_NE(found, nullptr) << name;
  return found;
}

}  // namespace

TEST(StableDiffusionExportTest, ExportStepsWritesImageSizedStepsEndingOnTheVaeImage) {
  QSettings().clear();
  MainWindow window{QString()};
  QSignalSpy ready(&window, &MainWindow::modelReady);
  window.openModelFolder(test_data_dir(QStringLiteral("sd/tiny_sd1")));
  ASSERT_TRUE(ready.wait(60000)) << window.banner()->text().toStdString();
  ASSERT_TRUE(show_active(window));
  window.controls()->stepsBox()->setValue(2);
  QPlainTextEdit* box = window.controls()->promptPanel()->promptBox();
  box->setFocus();
  box->setPlainText(QStringLiteral("a fox"));
  QSignalSpy ended(&window, &MainWindow::runEnded);
  QTest::keyClick(box, Qt::Key_Return, Qt::ControlModifier);
  ASSERT_TRUE(ended.wait(120000));
  ASSERT_EQ(window.frames().count(), 3);
  ASSERT_EQ(window.decodedSteps().count(2), 1u);

  window.openExportDialog();
  auto* dialog = window.findChild<ExportDialog*>();
  ASSERT_NE(dialog, nullptr);
  // The default scale brings the image's 64 px (not the 8 latent cells) to 256 px.
  EXPECT_EQ(dialog->settings().scale, 4);
  QTemporaryDir folder;
  named_child<QLineEdit>(*dialog, "exportFolder")->setText(folder.path());
  named_child<QLineEdit>(*dialog, "exportName")->setText(QStringLiteral("sd"));
  named_child<QComboBox>(*dialog, "exportFormat")->setCurrentIndex(3);  // PNG sequence
  named_child<QComboBox>(*dialog, "exportView")->setCurrentIndex(1);    // x̂0
  named_child<QSpinBox>(*dialog, "exportScale")->setValue(1);
  QSignalSpy finished(dialog, &ExportDialog::exportFinished);
  dialog->startExport();
  ASSERT_TRUE(finished.wait(30000));
  const QStringList files = finished.front().front().toStringList();
  ASSERT_EQ(files.size(), 4);  // three steps and the sidecar
  EXPECT_EQ(QImage(files[0]).size(), QSize(64, 64));
  EXPECT_EQ(QImage(files[2]).convertToFormat(QImage::Format_RGB888),
            window.decodedSteps().at(2).convertToFormat(QImage::Format_RGB888));
  dialog->close();
}

}  // namespace emergence::ui::test
