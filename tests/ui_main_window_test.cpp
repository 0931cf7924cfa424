// Drives the real main window with the unet_small fixture: generate, scrub, stop, bad folders,
// restarts, closing mid-run, remembered settings, how a run's steps are reported.
#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/generation_params.h"
#include "core/trajectory.h"
#include "gui_test_support.h"
#include "test_paths.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/export_dialog.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/run_progress.h"
#include "ui/run_wording.h"
#include "ui/timeline_widget.h"

namespace emergence::ui::test {
namespace {

TEST(MainWindowTest, TenStepsGiveElevenFramesAndScrubbingShowsTheChosenFrame) {
  auto window = window_with_small_model();
  ASSERT_TRUE(window->hasModel());
  ASSERT_TRUE(run_to_end(*window, 10));

  EXPECT_EQ(window->frames().count(), 11);
  EXPECT_EQ(window->timeline()->frameCount(), 11);
  EXPECT_EQ(window->timeline()->currentFrame(), 10);  // a live run is followed to its end
  EXPECT_TRUE(window->banner()->text().isEmpty());

  window->timeline()->setCurrentFrame(3);
  EXPECT_EQ(window->shownFrame(), 3);
  const auto frame3 = window->frames().frame(3);
  ASSERT_TRUE(frame3);
  EXPECT_EQ(frame3->index, 3);
  const QList<QImage> expected = frame_images(frame3, window->view());
  ASSERT_EQ(window->canvas()->images().size(), 1);
  EXPECT_EQ(window->canvas()->images().front(), expected.front());
  EXPECT_NE(window->canvas()->images().front(),
            frame_images(window->frames().frame(10), window->view()).front());
}

TEST(MainWindowTest, ExportOpensOnTheRunsFrames) {
  auto window = window_with_small_model();
  window->openExportDialog();
  EXPECT_EQ(window->findChild<ExportDialog*>(), nullptr);  // nothing to export before a run
  ASSERT_TRUE(run_to_end(*window, 4));
  window->openExportDialog();
  auto* dialog = window->findChild<ExportDialog*>();
  ASSERT_NE(dialog, nullptr);
  EXPECT_TRUE(dialog->isVisible());
  dialog->close();
}

TEST(MainWindowTest, EveryViewShowsItsOwnImageAndSideBySideShowsTwo) {
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 4));
  window->timeline()->setCurrentFrame(2);
  const auto frame = window->frames().frame(2);
  for (View v : {View::NoisyState, View::CleanGuess, View::Noise, View::Update}) {
    window->setView(FrameView(int(v)));
    ASSERT_EQ(window->canvas()->images().size(), 1);
    EXPECT_EQ(window->canvas()->images().front(), to_qimage(frame, frame->view(v)));
  }
  window->setView(FrameView::SideBySide);
  ASSERT_EQ(window->canvas()->images().size(), 2);
  EXPECT_EQ(window->canvas()->images()[0], to_qimage(frame, frame->view(View::NoisyState)));
  EXPECT_EQ(window->canvas()->images()[1], to_qimage(frame, frame->view(View::CleanGuess)));
}

TEST(MainWindowTest, StopMidRunLeavesAUsablePartialTimeline) {
  auto window = window_with_small_model();
  window->controls()->stepsBox()->setValue(1000);
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  window->generate();
  ASSERT_TRUE(wait_until([&] { return window->frames().count() >= 3; }));
  window->stop();
  ASSERT_TRUE(ended.wait(60000));

  const int kept = window->frames().count();
  EXPECT_GE(kept, 3);
  EXPECT_LT(kept, 1001);
  EXPECT_FALSE(window->isRunning());
  EXPECT_TRUE(window->progress()->text().startsWith(QStringLiteral("Stopped")));
  EXPECT_EQ(window->timeline()->frameCount(), kept);
  window->timeline()->setCurrentFrame(1);
  EXPECT_EQ(window->shownFrame(), 1);
  EXPECT_EQ(window->canvas()->images().front(),
            frame_images(window->frames().frame(1), window->view()).front());

  ASSERT_TRUE(run_to_end(*window, 3));  // and the app still samples afterwards
  EXPECT_EQ(window->frames().count(), 4);
}

TEST(MainWindowTest, BadModelFoldersShowAnErrorAndTheAppKeepsWorking) {
  QSettings().clear();
  MainWindow window{QString()};
  EXPECT_FALSE(window.banner()->text().isEmpty());  // "no built-in model" notice

  QSignalSpy rejected(&window, &MainWindow::modelRejected);
  const QString missing = test_data_dir(QStringLiteral("no_such_model"));
  window.openModelFolder(missing);
  ASSERT_TRUE(rejected.wait(60000));
  EXPECT_TRUE(window.banner()->text().contains(QStringLiteral("no_such_model")));
  EXPECT_FALSE(window.hasModel());

  QSignalSpy ready(&window, &MainWindow::modelReady);
  window.openModelFolder(small_model_dir());
  ASSERT_TRUE(ready.wait(60000));

  const QString not_a_model = test_data_dir(QStringLiteral("schedulers"));
  window.openModelFolder(not_a_model);
  ASSERT_TRUE(rejected.wait(60000));
  EXPECT_TRUE(window.banner()->text().contains(QStringLiteral("schedulers")));
  EXPECT_TRUE(window.hasModel());  // the previous model stays loaded

  ASSERT_TRUE(run_to_end(window, 5));
  EXPECT_EQ(window.frames().count(), 6);
}

// unet_small with conv_out.bias set to NaN: the model output turns NaN at the first call.
bool write_nan_model(const QString& folder) {
  const QString source = small_model_dir();
  QFile weights(source + QStringLiteral("/diffusion_pytorch_model.safetensors"));
  if (!weights.open(QIODevice::ReadOnly) || !QFile::copy(source + QStringLiteral("/config.json"),
                                                         folder + QStringLiteral("/config.json"))) {
    return false;
  }
  QByteArray bytes = weights.readAll();
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.constData(), sizeof header_size);  // safetensors: u64 LE
  const auto header = nlohmann::json::parse(bytes.mid(8, qsizetype(header_size)).toStdString());
  const auto offsets = header.at("conv_out.bias").at("data_offsets");
  const float nan = std::nanf("");
  for (uint64_t at = offsets[0].get<uint64_t>(); at < offsets[1].get<uint64_t>(); at += 4) {
    std::memcpy(bytes.data() + 8 + header_size + at, &nan, sizeof nan);
  }
  QFile out(folder + QStringLiteral("/diffusion_pytorch_model.safetensors"));
  return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size();
}

TEST(MainWindowTest, AModelThatTurnsNanStopsTheRunWithAMessageAndKeepsTheFrames) {
  QTemporaryDir nan_model;
  ASSERT_TRUE(nan_model.isValid());
  ASSERT_TRUE(write_nan_model(nan_model.path()));
  auto window = window_with_small_model();
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(nan_model.path());
  ASSERT_TRUE(ready.wait(60000));

  ASSERT_TRUE(run_to_end(*window, 10));
  EXPECT_TRUE(window->banner()->text().contains(QStringLiteral("NaN")));
  EXPECT_EQ(window->frames().count(), 1);  // the initial noise, computed before the first call
  EXPECT_EQ(window->shownFrame(), 0);
  EXPECT_FALSE(window->isRunning());

  QSignalSpy back(window.get(), &MainWindow::modelReady);
  window->openModelFolder(small_model_dir());
  ASSERT_TRUE(back.wait(60000));
  ASSERT_TRUE(run_to_end(*window, 2));
  EXPECT_EQ(window->frames().count(), 3);
  EXPECT_TRUE(window->banner()->text().isEmpty());
}

TEST(MainWindowTest, DroppingAModelFolderOpensIt) {
  QSettings().clear();
  MainWindow window{QString()};
  QSignalSpy ready(&window, &MainWindow::modelReady);
  EXPECT_TRUE(drop_file_on(window, small_model_dir()));
  ASSERT_TRUE(ready.wait(60000));
  EXPECT_EQ(window.modelFolder(), small_model_dir());
}

TEST(MainWindowTest, GenerateWithoutAModelSaysSo) {
  QSettings().clear();
  MainWindow window{QString()};
  QSignalSpy ended(&window, &MainWindow::runEnded);
  window.generate();
  ASSERT_TRUE(ended.wait(60000));
  EXPECT_TRUE(window.banner()->text().contains(QStringLiteral("No model is loaded")));
  EXPECT_EQ(window.frames().count(), 0);
}

TEST(MainWindowTest, ChangingAControlMidRunRestartsWithTheNewSettings) {
  auto window = window_with_small_model();
  window->controls()->setAutoRegenerate(true);
  window->controls()->stepsBox()->setValue(1000);
  ASSERT_TRUE(wait_until([&] { return window->frames().count() >= 2; }));
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  window->controls()->stepsBox()->setValue(6);
  ASSERT_TRUE(ended.wait(60000));
  EXPECT_EQ(window->frames().trajectory().params.steps, 6);
  EXPECT_EQ(window->frames().count(), 7);
  EXPECT_EQ(window->frames().frame(6)->total, 6);
}

TEST(MainWindowTest, ClosingMidRunShutsDownCleanly) {
  auto window = window_with_small_model();
  window->controls()->stepsBox()->setValue(1000);
  window->generate();
  ASSERT_TRUE(wait_until([&] { return window->frames().count() >= 2; }));
  ASSERT_TRUE(window->isRunning());
  window->close();
  window.reset();  // joins the sampling thread; a hang here fails the test by timeout
  SUCCEED();
}

TEST(MainWindowTest, ControlValuesAreRememberedAcrossSessions) {
  {
    auto window = window_with_small_model();
    window->controls()->stepsBox()->setValue(37);
    window->controls()->shiftSlider()->setValue(800);
    window->controls()->samplerCombo()->setCurrentText(QStringLiteral("euler"));
    window->setView(FrameView::Noise);
    window->close();
  }
  MainWindow again{QString()};
  QSignalSpy ready(&again, &MainWindow::modelReady);
  ASSERT_TRUE(ready.wait(60000));  // the last model folder reopens by itself
  const GenerationParams params = again.controls()->params();
  EXPECT_EQ(params.steps, 37);
  EXPECT_EQ(params.sampler, "euler");
  EXPECT_NEAR(params.shift, ControlsPanel::shiftForSliderValue(800), 1e-9);
  EXPECT_EQ(again.view(), FrameView::Noise);
}

TEST(MainWindowTest, AModelOpenedForTheFirstTimeBringsItsOwnSamplingDefaults) {
  QSettings().clear();
  QSettings().setValue(QStringLiteral("controls/sampler"), QStringLiteral("euler"));
  QSettings().setValue(QStringLiteral("controls/spacing"), QStringLiteral("linspace"));
  const QString builtin = QString::fromStdString(emergence::test::builtin_model_dir());
  {
    MainWindow window{builtin};
    QSignalSpy ready(&window, &MainWindow::modelReady);
    ASSERT_TRUE(ready.wait(60000));
    // The built-in model's scheduler: DDIM, trailing (it was trained to start at t = 999).
    GenerationParams params = window.controls()->params();
    EXPECT_EQ(params.sampler, "ddim");
    EXPECT_EQ(params.spacing, Spacing::Trailing);
    EXPECT_EQ(params.guidance_scale, ControlsPanel::kClassGuidance);
    window.controls()->spacingCombo()->setCurrentText(QStringLiteral("leading"));
    window.close();
  }
  MainWindow again{builtin};
  QSignalSpy ready(&again, &MainWindow::modelReady);
  ASSERT_TRUE(ready.wait(60000));
  EXPECT_EQ(again.controls()->params().spacing, Spacing::Leading);  // the user's choice stays
}

TEST(MainWindowTest, HeunReportsTheStepsAsSetAndItsModelCallsApart) {
  auto window = window_with_small_model();
  window->controls()->samplerCombo()->setCurrentText(QStringLiteral("heun"));
  ASSERT_TRUE(run_to_end(*window, 5));
  const int calls = window->frames().count() - 1;
  EXPECT_GT(calls, 5);  // Heun corrects its steps with extra model calls
  EXPECT_EQ(window->progress()->text(),
            QStringLiteral("Done: 5 steps (%1 model calls)").arg(calls));
  // The summary is said once, in the progress line, not again as a status message.
  EXPECT_FALSE(window->statusBar()->currentMessage().contains(QStringLiteral("Done")));

  window->controls()->samplerCombo()->setCurrentText(QStringLiteral("ddim"));
  ASSERT_TRUE(run_to_end(*window, 1));
  EXPECT_EQ(window->progress()->text(), QStringLiteral("Done: 1 step"));
}

TEST(MainWindowTest, RunWordingCountsStepsAndCallsApart) {
  EXPECT_EQ(run_done_text(30, 30), QStringLiteral("Done: 30 steps"));
  EXPECT_EQ(run_done_text(30, 59), QStringLiteral("Done: 30 steps (59 model calls)"));
  EXPECT_EQ(run_stopped_text(12, 30, 30),
            QStringLiteral("Stopped at step 12 of 30; the steps so far are kept"));
  EXPECT_EQ(run_stopped_text(20, 59, 30),
            QStringLiteral("Stopped after model call 20 of 59 (30 steps); the frames so far "
                           "are kept"));
  EXPECT_EQ(frame_position_text(0, 59, 30), QStringLiteral("Starting noise"));
  EXPECT_EQ(frame_position_text(1, 1, 1), QStringLiteral("Step 1 of 1"));
  EXPECT_EQ(frame_position_text(20, 59, 30), QStringLiteral("Model call 20 of 59 (30 steps)"));
}

TEST(MainWindowTest, AFreshConfigurationWatchesTheCleanGuessAndTheChoiceIsRemembered) {
  {
    auto window = window_with_small_model();
    EXPECT_EQ(window->view(), FrameView::CleanGuess);
    auto* combo = window->findChild<QComboBox*>(QStringLiteral("viewCombo"));
    ASSERT_NE(combo, nullptr);
    EXPECT_EQ(combo->currentIndex(), int(FrameView::CleanGuess));  // before any frame, too
    EXPECT_TRUE(combo->currentText().startsWith(QStringLiteral("Clean guess")));
    window->setView(FrameView::SideBySide);
    EXPECT_EQ(combo->currentIndex(), int(FrameView::SideBySide));
    window->timeline()->setLoop(false);
    window->close();
  }
  MainWindow again{QString()};
  EXPECT_EQ(again.view(), FrameView::SideBySide);
  EXPECT_FALSE(again.timeline()->loops());
}

}  // namespace
}  // namespace emergence::ui::test
