// The window's parts on their own: schedule plot, controls, canvas scaling, timeline keys.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <numeric>

#include "core/generation_params.h"
#include "gui_test_support.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_store.h"
#include "ui/schedule_plot.h"
#include "ui/timeline_widget.h"

namespace emergence::ui::test {
namespace {

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

TEST(SchedulePlotTest, MovingTheScheduleSliderMovesThePlottedSteps) {
  ControlsPanel panel;
  panel.resize(320, 700);
  panel.stepsBox()->setValue(10);
  panel.shiftSlider()->setValue(ControlsPanel::sliderValueForShift(1.0));
  const std::vector<double> plain = panel.schedulePlot()->markedTimesteps();
  ASSERT_EQ(plain.size(), 10u);

  // Shift > 1 spends the steps at high noise: every step but the first moves to a larger t.
  panel.shiftSlider()->setValue(ControlsPanel::sliderValueForShift(3.0));
  const std::vector<double> shifted = panel.schedulePlot()->markedTimesteps();
  ASSERT_EQ(shifted.size(), 10u);
  EXPECT_GT(mean(shifted), mean(plain) + 50.0);
  EXPECT_LT(panel.schedulePlot()->xOf(shifted[5]), panel.schedulePlot()->xOf(plain[5]));

  panel.shiftSlider()->setValue(ControlsPanel::sliderValueForShift(0.3));
  EXPECT_LT(mean(panel.schedulePlot()->markedTimesteps()), mean(plain) - 50.0);

  panel.stepsBox()->setValue(25);
  EXPECT_EQ(panel.schedulePlot()->markedTimesteps().size(), 25u);
}

TEST(SchedulePlotTest, SpacingFamilyChangesThePlottedSteps) {
  ControlsPanel panel;
  panel.stepsBox()->setValue(10);
  panel.spacingCombo()->setCurrentText(QStringLiteral("leading"));
  const std::vector<double> leading = panel.schedulePlot()->markedTimesteps();
  panel.spacingCombo()->setCurrentText(QStringLiteral("trailing"));
  EXPECT_NE(panel.schedulePlot()->markedTimesteps(), leading);
  EXPECT_DOUBLE_EQ(panel.schedulePlot()->markedTimesteps().front(), 999.0);
}

TEST(ControlsPanelTest, ShiftSliderIsLogarithmicWithOneInTheMiddle) {
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(0), 0.2, 1e-12);
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(500), 1.0, 1e-12);
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(1000), 5.0, 1e-12);
  for (double s : {0.2, 0.5, 1.0, 2.0, 5.0}) {
    EXPECT_NEAR(ControlsPanel::shiftForSliderValue(ControlsPanel::sliderValueForShift(s)), s,
                s * 0.004);
  }
}

TEST(ControlsPanelTest, EtaIsOnlyEnabledForDdim) {
  ControlsPanel panel;
  panel.samplerCombo()->setCurrentText(QStringLiteral("ddim"));
  EXPECT_TRUE(panel.etaBox()->isEnabled());
  panel.samplerCombo()->setCurrentText(QStringLiteral("euler"));
  EXPECT_FALSE(panel.etaBox()->isEnabled());
  EXPECT_EQ(panel.params().sampler, "euler");
}

TEST(ControlsPanelTest, UnlockedSeedIsRedrawnForEachRunAndLockedSeedIsKept) {
  ControlsPanel panel;
  panel.setSeedLocked(true);
  GenerationParams p;
  p.seed = 1234;
  panel.setParams(p);
  EXPECT_EQ(panel.paramsForNewRun().seed, 1234u);
  panel.setSeedLocked(false);
  const uint64_t first = panel.paramsForNewRun().seed;
  const uint64_t second = panel.paramsForNewRun().seed;
  EXPECT_FALSE(first == 1234u && second == 1234u);
}

TEST(ControlsPanelTest, ClassPickerAppearsOnlyForClassConditionalModels) {
  auto window = window_with_small_model();
  EXPECT_TRUE(window->controls()->classGroup()->isHidden());
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(test_data_dir(QStringLiteral("unet/unet_classcond")));
  ASSERT_TRUE(ready.wait(60000));
  EXPECT_FALSE(window->controls()->classGroup()->isHidden());
  ASSERT_TRUE(run_to_end(*window, 3));
  EXPECT_EQ(window->frames().count(), 4);
}

TEST(CanvasViewTest, SmallImagesAreScaledWithoutBlurOverACheckerboard) {
  CanvasView canvas;
  canvas.resize(200, 200);
  QImage image(2, 1, QImage::Format_RGBA8888);
  image.setPixelColor(0, 0, QColor(255, 0, 0, 255));
  image.setPixelColor(1, 0, QColor(0, 0, 255, 0));  // fully transparent
  canvas.setImages({image});
  canvas.setZoom(40.0);
  const QImage shot = canvas.grab().toImage();
  const QPoint centre(100, 100);
  // Left image pixel spans x ∈ [60, 100): pure red right up to its edge, no blending.
  EXPECT_EQ(shot.pixelColor(centre + QPoint(-39, 0)), QColor(255, 0, 0));
  EXPECT_EQ(shot.pixelColor(centre + QPoint(-1, 0)), QColor(255, 0, 0));
  // The transparent pixel shows the checkerboard's greys.
  const QColor under = shot.pixelColor(centre + QPoint(5, 0));
  EXPECT_EQ(under.red(), under.blue());
  EXPECT_TRUE(under.red() == 204 || under.red() == 153);
}

TEST(CanvasViewTest, FitUsesWholeMultiplesAndZoomStepsThroughThem) {
  CanvasView canvas;
  canvas.resize(116, 116);
  canvas.setImages({QImage(16, 16, QImage::Format_RGB888)});
  EXPECT_DOUBLE_EQ(canvas.scale(), 6.0);  // (116 − 2·8) / 16 = 6.25 → ×6
  canvas.zoomIn();
  EXPECT_DOUBLE_EQ(canvas.scale(), 7.0);
  EXPECT_FALSE(canvas.fitsWindow());
  canvas.zoomOut();
  canvas.zoomOut();
  EXPECT_DOUBLE_EQ(canvas.scale(), 5.0);
  canvas.fitToWindow();
  EXPECT_TRUE(canvas.fitsWindow());
}

TEST(TimelineTest, KeysStepJumpAndPlayThroughTheRun) {
  auto window = window_with_small_model();
  ASSERT_TRUE(run_to_end(*window, 8));
  window->show();
  window->activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
  window->canvas()->setFocus();
  ASSERT_TRUE(wait_until([&] { return window->canvas()->hasFocus(); }, 5000));

  QTest::keyClick(window->canvas(), Qt::Key_Home);
  EXPECT_EQ(window->shownFrame(), 0);
  QTest::keyClick(window->canvas(), Qt::Key_Right);
  QTest::keyClick(window->canvas(), Qt::Key_Right);
  EXPECT_EQ(window->shownFrame(), 2);
  QTest::keyClick(window->canvas(), Qt::Key_Left);
  EXPECT_EQ(window->shownFrame(), 1);
  QTest::keyClick(window->canvas(), Qt::Key_End);
  EXPECT_EQ(window->shownFrame(), 8);
  QTest::keyClick(window->canvas(), Qt::Key_3);
  EXPECT_EQ(window->view(), FrameView::Noise);

  window->timeline()->setFps(60);
  QTest::keyClick(window->canvas(), Qt::Key_Space);  // at the end, play starts over from 0
  EXPECT_TRUE(window->timeline()->isPlaying());
  ASSERT_TRUE(wait_until([&] { return !window->timeline()->isPlaying(); }, 10000));
  EXPECT_EQ(window->shownFrame(), 8);
}

}  // namespace
}  // namespace emergence::ui::test
