// The export dialog and "Save current frame" on a synthetic run, under the offscreen platform.
#include "ui/export_dialog.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>

#include "core/error.h"
#include "core/media/export/png_text.h"
#include "core/media/export/trajectory_export.h"
#include "export_synthetic.h"
#include "ui/save_frame.h"

namespace emergence {
namespace {

using test::read_bytes;
using test::synthetic_trajectory;
using test::TempFolder;
using ui::ExportDialog;

template <typename T>
T* child(QObject& parent, const char* name) {
  T* found = parent.findChild<T*>(QString::fromLatin1(name));
  EXPECT_NE(found, nullptr) << name;
  return found;
}

void point_at(ExportDialog& dialog, const TempFolder& folder, const QString& name) {
  child<QLineEdit>(dialog, "exportFolder")->setText(QString::fromStdString(folder.path()));
  child<QLineEdit>(dialog, "exportName")->setText(name);
}

TEST(ExportDialog, ExportsOnAWorkerThreadAndReportsTheFiles) {
  TempFolder folder;
  ExportDialog dialog(synthetic_trajectory(9));
  point_at(dialog, folder, QStringLiteral("clip"));
  child<QComboBox>(dialog, "exportFormat")->setCurrentIndex(0);  // GIF
  child<QSpinBox>(dialog, "exportStride")->setValue(2);
  EXPECT_EQ(dialog.settings().format, ExportFormat::Gif);
  QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
  dialog.startExport();
  EXPECT_TRUE(dialog.exportRunning());
  ASSERT_TRUE(finished.wait(20000));
  EXPECT_FALSE(dialog.exportRunning());
  const QStringList files = finished.front().front().toStringList();
  ASSERT_EQ(files.size(), 2);
  EXPECT_TRUE(files.front().endsWith(QStringLiteral("/clip.gif")));
  EXPECT_TRUE(QFile::exists(files.front()));
  QProgressBar* bar = child<QProgressBar>(dialog, "exportProgress");
  EXPECT_EQ(bar->value(), bar->maximum());
  EXPECT_TRUE(child<QLabel>(dialog, "exportStatus")->text().contains(QStringLiteral("clip.gif")));
}

TEST(ExportDialog, EstimateShowsFrameCountAndSize) {
  ExportDialog dialog(synthetic_trajectory(9));
  child<QComboBox>(dialog, "exportFormat")->setCurrentIndex(2);  // WebP
  child<QSpinBox>(dialog, "exportStride")->setValue(4);          // 0, 4, 8
  child<QSpinBox>(dialog, "exportScale")->setValue(2);
  QLabel* estimate = child<QLabel>(dialog, "exportEstimate");
  const QString expected = QStringLiteral("3 pictures, 32 × 32 px, about");
  // The estimate follows the controls after a short debounce: wait for it, up to 5 s.
  QDeadlineTimer deadline(5000);
  while (!estimate->text().startsWith(expected) && !deadline.hasExpired()) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  EXPECT_TRUE(estimate->text().startsWith(expected)) << estimate->text().toStdString();
}

TEST(ExportDialog, AsksBeforeReplacingAndKeepsFilesWhenTold) {
  TempFolder folder;
  ExportDialog dialog(synthetic_trajectory(5));
  point_at(dialog, folder, QStringLiteral("again"));
  child<QComboBox>(dialog, "exportFormat")->setCurrentIndex(5);  // final image
  QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
  dialog.startExport();
  ASSERT_TRUE(finished.wait(20000));
  const std::vector<uint8_t> before = read_bytes(folder.file("again.png"));

  QStringList asked;
  bool answer = false;
  dialog.setOverwriteQuestion([&](const QStringList& existing) {
    asked = existing;
    return answer;
  });
  child<QSpinBox>(dialog, "exportScale")->setValue(5);
  dialog.startExport();
  EXPECT_FALSE(dialog.exportRunning());
  ASSERT_EQ(asked.size(), 2);  // the image and its sidecar
  EXPECT_EQ(read_bytes(folder.file("again.png")), before);

  answer = true;
  dialog.startExport();
  ASSERT_TRUE(finished.wait(20000));
  EXPECT_NE(read_bytes(folder.file("again.png")), before);
}

TEST(ExportDialog, CancelLeavesNothingBehind) {
  TempFolder folder;
  // 120 frames of 512×512: seconds of GIF encoding, so Cancel lands mid-export.
  ExportDialog dialog(synthetic_trajectory(120, 32));
  point_at(dialog, folder, QStringLiteral("long"));
  child<QComboBox>(dialog, "exportFormat")->setCurrentIndex(0);
  child<QSpinBox>(dialog, "exportScale")->setValue(16);
  child<QSpinBox>(dialog, "exportStride")->setValue(1);
  QSignalSpy cancelled(&dialog, &ExportDialog::exportCancelled);
  dialog.startExport();
  dialog.reject();  // Cancel while running cancels the export, not the dialog
  ASSERT_TRUE(cancelled.wait(20000));
  EXPECT_TRUE(folder.entries().empty());
}

TEST(ExportDialog, RemembersItsSettings) {
  {
    ExportDialog dialog(synthetic_trajectory(3));
    child<QComboBox>(dialog, "exportFormat")->setCurrentIndex(1);  // MP4
    child<QSpinBox>(dialog, "exportScale")->setValue(7);
    child<QLineEdit>(dialog, "exportName")->setText(QStringLiteral("remembered"));
    dialog.reject();
  }
  ExportDialog dialog(synthetic_trajectory(3));
  EXPECT_EQ(dialog.settings().format, ExportFormat::Mp4);
  EXPECT_EQ(dialog.settings().scale, 7);
  EXPECT_EQ(dialog.settings().base_name, "remembered");
}

TEST(ExportDialog, DefaultScaleMakesSmallModelsAtLeast256Pixels) {
  QSettings().remove(QStringLiteral("export"));
  EXPECT_EQ(ExportDialog(synthetic_trajectory(3, 32)).settings().scale, 8);
  EXPECT_EQ(ExportDialog(synthetic_trajectory(3, 16)).settings().scale, 16);
  EXPECT_EQ(ExportDialog(synthetic_trajectory(3, 300)).settings().scale, 1);
  {
    ExportDialog dialog(synthetic_trajectory(3, 32));
    child<QSpinBox>(dialog, "exportScale")->setValue(3);
    dialog.reject();
  }
  // The chosen scale is remembered for that picture size only.
  EXPECT_EQ(ExportDialog(synthetic_trajectory(3, 32)).settings().scale, 3);
  EXPECT_EQ(ExportDialog(synthetic_trajectory(3, 16)).settings().scale, 16);
}

TEST(ExportDialog, FinalImageGetsBurntInLabelsOnlyWhenAskedForIt) {
  QSettings().remove(QStringLiteral("export"));
  ExportDialog dialog(synthetic_trajectory(5));
  QComboBox* format = child<QComboBox>(dialog, "exportFormat");
  QCheckBox* label = child<QCheckBox>(dialog, "exportLabel");
  QCheckBox* bar = child<QCheckBox>(dialog, "exportProgressBar");
  format->setCurrentIndex(0);  // GIF
  label->setChecked(true);
  bar->setChecked(true);
  EXPECT_TRUE(dialog.settings().step_label);
  EXPECT_TRUE(dialog.settings().progress_bar);

  format->setCurrentIndex(5);  // final image
  EXPECT_FALSE(label->isChecked());
  EXPECT_FALSE(dialog.settings().step_label);
  EXPECT_FALSE(dialog.settings().progress_bar);
  EXPECT_FALSE(bar->isEnabled());
  label->setChecked(true);  // asked for
  EXPECT_TRUE(dialog.settings().step_label);

  format->setCurrentIndex(1);  // MP4 keeps the animation's choice
  EXPECT_TRUE(dialog.settings().step_label);
  EXPECT_TRUE(dialog.settings().progress_bar);
  format->setCurrentIndex(0);
  label->setChecked(false);
  format->setCurrentIndex(5);
  EXPECT_TRUE(dialog.settings().step_label);  // the final image's own choice stays
  dialog.reject();

  ExportDialog again(synthetic_trajectory(5));
  EXPECT_EQ(again.settings().format, ExportFormat::Still);
  EXPECT_TRUE(again.settings().step_label);
  child<QComboBox>(again, "exportFormat")->setCurrentIndex(0);
  EXPECT_FALSE(again.settings().step_label);
  EXPECT_TRUE(again.settings().progress_bar);
}

TEST(ExportDialog, RowsStayPutWhenTheFormatChanges) {
  QSettings().remove(QStringLiteral("export"));
  ExportDialog dialog(synthetic_trajectory(9, 32));
  dialog.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&dialog));
  QComboBox* format = child<QComboBox>(dialog, "exportFormat");
  QTimer* estimate_timer = child<QTimer>(dialog, "exportEstimateTimer");
  const std::vector<QWidget*> rows = {
      format, child<QSpinBox>(dialog, "exportScale"), child<QDoubleSpinBox>(dialog, "exportFps"),
      child<QLineEdit>(dialog, "exportName"), child<QPushButton>(dialog, "exportButton")};
  auto layout_now = [&] {
    std::vector<QRect> rects;
    for (QWidget* w : rows) {
      rects.push_back(QRect(w->mapTo(&dialog, QPoint(0, 0)), w->size()));
    }
    rects.push_back(dialog.rect());
    return rects;
  };
  const std::vector<QRect> before = layout_now();
  for (int i : {1, 2, 3, 4, 5, 0}) {
    QSignalSpy estimated(estimate_timer, &QTimer::timeout);
    format->setCurrentIndex(i);
    ASSERT_TRUE(estimated.wait(5000));     // the estimate text for this format has been set
    QCoreApplication::sendPostedEvents();  // pending layout requests
    EXPECT_EQ(layout_now(), before) << "format " << format->currentText().toStdString();
  }
}

TEST(SaveFrame, WritesTheStepWithItsParameters) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(9);
  const QString path = ui::save_frame_png(t, 4, ui::FrameView::CleanGuess, 2, false,
                                          QString::fromStdString(folder.file("step4")), false);
  EXPECT_TRUE(path.endsWith(QStringLiteral("/step4.png")));
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"step4.png", "step4.png.json"}));
  EXPECT_EQ(read_png_text(read_bytes(folder.file("step4.png"))).at("parameters"),
            to_parameters_line(t.params));
  EXPECT_THROW(ui::save_frame_png(t, 4, ui::FrameView::CleanGuess, 2, false, path, false), Error);
  EXPECT_THROW(ui::save_frame_png(t, 40, ui::FrameView::CleanGuess, 2, false, path, true), Error);
}

}  // namespace
}  // namespace emergence
