// Branches and the run history in the real window: Branch Here (Ctrl+B) shares the shown steps
// and resamples the rest, the Runs panel nests the branch under its parent, and picking a run
// brings its frames and settings back without running anything.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

#include "core/media/export/png_text.h"
#include "core/trajectory.h"
#include "gui_test_support.h"
#include "ui/controls_panel.h"
#include "ui/fan_out_dialog.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/run_history.h"
#include "ui/timeline_widget.h"

namespace emergence::ui::test {
namespace {

const Image8& xt(const std::shared_ptr<const TrajectoryFrame>& frame) {
  return frame->view(View::NoisyState);
}

TEST(BranchTest, BranchHereSharesTheStepsAndTheHistoryBringsRunsBack) {
  auto window = window_with_small_model();
  ASSERT_TRUE(window);
  window->resize(1000, 700);
  ASSERT_TRUE(show_active(*window));
  ASSERT_TRUE(run_to_end(*window, 10));
  RunHistory* history = window->history();
  ASSERT_EQ(history->runCount(), 1);
  const Trajectory parent = window->frames().trajectory();
  ASSERT_EQ(parent.frames.size(), 11u);

  window->timeline()->setCurrentFrame(4);
  QTest::keyClick(window.get(), Qt::Key_B, Qt::ControlModifier);
  ASSERT_TRUE(wait_until([&] { return !window->isRunning() && history->runCount() == 2; }));
  const Trajectory& branch = window->frames().trajectory();
  ASSERT_TRUE(branch.params.parent);
  EXPECT_EQ(branch.params.branch_step, 4);
  EXPECT_EQ(branch.params.parent->seed, parent.params.seed);
  EXPECT_EQ(branch.params.sampler, "ddpm") << "the fixture's DDIM is deterministic";
  EXPECT_TRUE(window->statusBar()->currentMessage().contains("DDPM"));
  ASSERT_EQ(branch.frames.size(), 11u);
  for (int i = 0; i <= 4; ++i) {
    EXPECT_EQ(xt(branch.frames[i]).pixels, xt(parent.frames[i]).pixels) << "frame " << i;
  }
  EXPECT_NE(xt(branch.frames[10]).pixels, xt(parent.frames[10]).pixels);

  // The tree: one run at the top, the branch under it.
  ASSERT_EQ(history->tree()->topLevelItemCount(), 1);
  EXPECT_EQ(history->tree()->topLevelItem(0)->childCount(), 1);
  EXPECT_TRUE(history->tree()->topLevelItem(0)->child(0)->text(0).contains("step 4"));

  // Picking the parent gives its very frames back at once.
  history->pick(0);
  EXPECT_FALSE(window->isRunning());
  ASSERT_EQ(window->frames().count(), 11);
  EXPECT_EQ(window->frames().frame(10), parent.frames[10]);
  EXPECT_EQ(window->controls()->params().seed, parent.params.seed);
  EXPECT_EQ(window->timeline()->currentFrame(), 10);

  // From the last step nothing is left to branch.
  QTest::keyClick(window.get(), Qt::Key_B, Qt::ControlModifier);
  EXPECT_FALSE(window->isRunning());
  EXPECT_TRUE(window->statusBar()->currentMessage().contains("earlier step"));
  EXPECT_EQ(history->runCount(), 2);
}

TEST(BranchTest, FanOutFillsTheGridAndPlotsTheSpread) {
  auto window = window_with_small_model();
  ASSERT_TRUE(window);
  ASSERT_TRUE(show_active(*window));
  ASSERT_TRUE(run_to_end(*window, 8));
  window->timeline()->setCurrentFrame(2);
  window->openFanOutDialog();
  auto* dialog = window->findChild<FanOutDialog*>();
  ASSERT_TRUE(dialog);
  ASSERT_TRUE(dialog->isRunning());
  dialog->cancel();
  ASSERT_TRUE(wait_until([&] { return !dialog->isRunning(); }));

  dialog->branchesBox()->setValue(4);
  dialog->pointsBox()->setValue(3);
  dialog->start();
  ASSERT_TRUE(wait_until([&] { return !dialog->isRunning(); }));
  EXPECT_EQ(dialog->tilesDone(), 4);
  EXPECT_FALSE(dialog->gridImage().isNull());
  const SpreadSeries& series = dialog->plot()->series();
  ASSERT_EQ(series.steps.size(), 3u);
  EXPECT_EQ(series.steps.front(), 2);
  EXPECT_GT(series.pixel_std.front(), 0.0);
  EXPECT_EQ(series.band_std.front().size(), static_cast<size_t>(series.band_names.size()));
  EXPECT_TRUE(dialog->plot()->readOut(0).startsWith("Branched at step 2"));
}

TEST(BranchTest, VariationsFillAGridAroundTheRun) {
  auto window = window_with_small_model();
  ASSERT_TRUE(window);
  ASSERT_TRUE(run_to_end(*window, 5));
  window->openVariationsDialog();
  auto* dialog = window->findChild<FanOutDialog*>();
  ASSERT_TRUE(dialog);
  ASSERT_TRUE(wait_until([&] { return !dialog->isRunning(); }));
  dialog->branchesBox()->setValue(3);
  dialog->strengthBox()->setValue(0.5);
  dialog->start();
  ASSERT_TRUE(wait_until([&] { return !dialog->isRunning(); }));
  EXPECT_EQ(dialog->tilesDone(), 3);
  EXPECT_FALSE(dialog->gridImage().isNull());
  EXPECT_FALSE(dialog->plot()->isVisible());
}

TEST(BranchTest, ASavedSessionOpensWithTheSameRunsAndABadOneIsRefused) {
  QApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
  auto window = window_with_small_model();
  ASSERT_TRUE(window);
  ASSERT_TRUE(show_active(*window));
  ASSERT_TRUE(run_to_end(*window, 6));
  window->timeline()->setCurrentFrame(3);
  window->branchHere();
  ASSERT_TRUE(
      wait_until([&] { return !window->isRunning() && window->history()->runCount() == 2; }));
  const Trajectory branch = window->frames().trajectory();

  QTemporaryDir dir;
  const QString path = dir.filePath("two runs.emergence");
  answer_next_dialog(window.get(), [path](QWidget* dialog) {
    auto* files = qobject_cast<QFileDialog*>(dialog);
    ASSERT_NE(files, nullptr);
    files->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))->setText(path);
    QMetaObject::invokeMethod(files, "accept");
  });
  window->saveSessionDialog();
  ASSERT_TRUE(QFile::exists(path));

  auto second = window_with_small_model();
  ASSERT_TRUE(second);
  second->openSession(path);
  RunHistory* history = second->history();
  ASSERT_EQ(history->runCount(), 2);
  EXPECT_EQ(history->tree()->topLevelItem(0)->childCount(), 1) << "the branch under its parent";
  const Trajectory& shown = second->frames().trajectory();
  EXPECT_EQ(to_json(shown.params), to_json(branch.params));
  ASSERT_EQ(shown.frames.size(), branch.frames.size());
  for (size_t i = 0; i < shown.frames.size(); ++i) {
    for (int v = 0; v < kViewCount; ++v) {
      EXPECT_EQ(shown.frames[i]->views[v].pixels, branch.frames[i]->views[v].pixels) << i;
    }
  }

  // A truncated copy is refused with the reason, and the runs on screen stay.
  QFile whole(path);
  ASSERT_TRUE(whole.open(QIODevice::ReadOnly));
  const QByteArray bytes = whole.readAll();
  QFile cut(dir.filePath("cut.emergence"));
  ASSERT_TRUE(cut.open(QIODevice::WriteOnly));
  cut.write(bytes.left(bytes.size() / 2));
  cut.close();
  second->openSession(cut.fileName());
  EXPECT_TRUE(
      second->banner()->findChild<QLabel*>()->text().contains("cut.emergence is truncated"));
  EXPECT_EQ(history->runCount(), 2);
}

TEST(BranchTest, DroppingAPngWithA1111SettingsSetsTheControls) {
  auto window = window_with_small_model();
  ASSERT_TRUE(window);
  QTemporaryDir dir;
  const QString path = dir.filePath("a1111.png");
  const std::vector<uint8_t> png = encode_png_with_text(
      cv::Mat(8, 8, CV_8UC3, cv::Scalar(0)),
      {{"parameters", "a cat\nSteps: 23, Sampler: Euler a, CFG scale: 4.5, Seed: 77, Size: 8x8"}});
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(reinterpret_cast<const char*>(png.data()), qint64(png.size()));
  file.close();
  ASSERT_TRUE(window->openDroppedFile(path));
  const GenerationParams p = window->controls()->params();
  EXPECT_EQ(p.steps, 23);
  EXPECT_EQ(p.sampler, "euler_a");
  EXPECT_EQ(p.seed, 77u);
  EXPECT_TRUE(window->banner()->findChild<QLabel*>()->text().contains(
      "Settings from a1111.png (AUTOMATIC1111): steps, sampler, guidance, seed"));
  EXPECT_TRUE(window->banner()->findChild<QLabel*>()->text().contains("Prompt: a cat"));
  // A picture without settings is the start image, not settings.
  const std::vector<uint8_t> plain =
      encode_png_with_text(cv::Mat(8, 8, CV_8UC3, cv::Scalar(0)), {});
  QFile other(dir.filePath("plain.png"));
  ASSERT_TRUE(other.open(QIODevice::WriteOnly));
  other.write(reinterpret_cast<const char*>(plain.data()), qint64(plain.size()));
  other.close();
  window->controls()->setParams(GenerationParams{});
  EXPECT_FALSE(window->openDroppedFile(other.fileName()));
  EXPECT_EQ(window->controls()->params().steps, GenerationParams{}.steps);
}

}  // namespace
}  // namespace emergence::ui::test
