// The window's parts on their own: schedule plot, controls, σ text, canvas scaling, timeline keys.
#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <numeric>

#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/sampler.h"
#include "core/timestep_spacing.h"
#include "gui_test_support.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_store.h"
#include "ui/plain_names.h"
#include "ui/schedule_plot.h"
#include "ui/shift_control.h"
#include "ui/sigma_text.h"
#include "ui/steps_control.h"
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

TEST(ControlsPanelTest, ShiftSliderIsLogarithmicWithOneInTheMiddleOverTheCoresRange) {
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(0), kMinShift, 1e-12);
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(500), 1.0, 1e-12);
  EXPECT_NEAR(ControlsPanel::shiftForSliderValue(1000), kMaxShift, 1e-12);
  for (double s : {0.05, 0.2, 0.5, 1.0, 2.0, 5.0, 20.0}) {
    EXPECT_NEAR(ControlsPanel::shiftForSliderValue(ControlsPanel::sliderValueForShift(s)), s,
                s * 0.004);
  }
  // The typed entry accepts exactly what the core (and so the CLI) accepts.
  ControlsPanel panel;
  EXPECT_DOUBLE_EQ(panel.shift()->box()->minimum(), kMinShift);
  EXPECT_DOUBLE_EQ(panel.shift()->box()->maximum(), kMaxShift);
}

TEST(ControlsPanelTest, TypedShiftIsUsedExactlyAndDoubleClickResetsToOne) {
  ControlsPanel panel;
  panel.resize(360, 700);
  panel.show();
  QSignalSpy changed(&panel, &ControlsPanel::paramsChanged);
  panel.shift()->box()->setValue(2.5);
  EXPECT_DOUBLE_EQ(panel.params().shift, 2.5);
  EXPECT_EQ(panel.shiftSlider()->value(), ControlsPanel::sliderValueForShift(2.5));
  EXPECT_EQ(changed.count(), 1);

  // The slider drives the box; the run gets the slider's exact value.
  panel.shiftSlider()->setValue(700);
  EXPECT_DOUBLE_EQ(panel.params().shift, ControlsPanel::shiftForSliderValue(700));
  EXPECT_NEAR(panel.shift()->box()->value(), ControlsPanel::shiftForSliderValue(700), 0.005);

  QTest::mouseDClick(panel.shiftSlider(), Qt::LeftButton);
  EXPECT_DOUBLE_EQ(panel.params().shift, 1.0);
  EXPECT_DOUBLE_EQ(panel.shift()->box()->value(), 1.0);
  EXPECT_EQ(panel.shiftSlider()->value(), 500);
}

TEST(ControlsPanelTest, StepsSliderIsLogarithmicBothWays) {
  using S = StepsControl;
  EXPECT_EQ(S::stepsForSliderValue(0, 1000), 1);
  EXPECT_EQ(S::stepsForSliderValue(S::kSliderTicks / 2, 1000), 32);  // left half: 1 … √1000
  EXPECT_EQ(S::stepsForSliderValue(S::kSliderTicks, 1000), 1000);
  // 5 … 50, where most samplers are good, gets a third of the slider (a linear one: 4.5 %).
  EXPECT_GE(S::sliderValueForSteps(50, 1000) - S::sliderValueForSteps(5, 1000),
            S::kSliderTicks * 3 / 10);
  for (int steps : {1, 2, 5, 10, 20, 30, 50, 100, 999, 1000}) {
    EXPECT_EQ(S::stepsForSliderValue(S::sliderValueForSteps(steps, 1000), 1000), steps) << steps;
  }
  EXPECT_EQ(S::stepsForSliderValue(S::kSliderTicks, 1), 1);

  ControlsPanel panel;
  QSlider* slider = panel.steps()->slider();
  panel.stepsBox()->setValue(50);
  EXPECT_EQ(slider->value(), S::sliderValueForSteps(50, 1000));
  slider->setValue(S::sliderValueForSteps(20, 1000));
  EXPECT_EQ(panel.stepsBox()->value(), 20);
  EXPECT_EQ(panel.params().steps, 20);
  // A slider position between two step counts stays where it was put.
  slider->setValue(S::sliderValueForSteps(20, 1000) + 3);
  EXPECT_EQ(slider->value(), S::sliderValueForSteps(20, 1000) + 3);
}

TEST(ControlsPanelTest, StepsRangeIsTheModelsAndATypedValueBeyondItIsRefusedVisibly) {
  ControlsPanel panel;
  panel.resize(360, 700);
  panel.show();
  panel.stepsBox()->setValue(50);
  ASSERT_EQ(panel.stepsBox()->maximum(), 1000);
  EXPECT_TRUE(panel.stepsBox()->toolTip().contains(QStringLiteral("1 to 1000")));
  QLabel* note = panel.steps()->note();
  EXPECT_TRUE(note->isHidden());

  auto type = [&](const QString& text) {
    panel.stepsBox()->setFocus();
    panel.stepsBox()->selectAll();
    QTest::keyClicks(panel.stepsBox(), text);
    QTest::keyClick(panel.stepsBox(), Qt::Key_Return);
  };
  type(QStringLiteral("5000"));
  EXPECT_EQ(panel.stepsBox()->value(), 50);  // not silently 500
  EXPECT_FALSE(note->isHidden());
  EXPECT_TRUE(note->text().contains(QStringLiteral("5000"))) << note->text().toStdString();
  EXPECT_TRUE(note->text().contains(QStringLiteral("1 to 1000"))) << note->text().toStdString();

  type(QStringLiteral("400"));
  EXPECT_EQ(panel.stepsBox()->value(), 400);
  EXPECT_TRUE(note->isHidden());

  // A model trained on 200 timesteps allows 200 steps: the core's limit, told to the user.
  auto info = std::make_shared<ModelInfo>();
  info->scheduler.training.num_train_timesteps = 200;
  panel.setModelInfo(info);
  EXPECT_EQ(panel.stepsBox()->maximum(), 200);
  EXPECT_EQ(panel.params().steps, 200);
  EXPECT_FALSE(note->isHidden());
  EXPECT_TRUE(note->text().contains(QStringLiteral("400"))) << note->text().toStdString();
  EXPECT_TRUE(panel.stepsBox()->toolTip().contains(QStringLiteral("1 to 200")));
  EXPECT_EQ(panel.schedulePlot()->markedTimesteps().size(), 200u);
  type(QStringLiteral("250"));
  EXPECT_EQ(panel.stepsBox()->value(), 200);
  EXPECT_TRUE(note->text().contains(QStringLiteral("1 to 200"))) << note->text().toStdString();
}

TEST(ControlsPanelTest, EveryControlExplainsItselfAndNamesAreExplainedInPlainWords) {
  ControlsPanel panel;
  auto info = std::make_shared<ModelInfo>();
  info->class_names = {"cat", "dog"};
  panel.setModelInfo(info);
  for (QWidget* control : panel.findChildren<QWidget*>()) {
    const bool is_control =
        qobject_cast<QAbstractButton*>(control) || qobject_cast<QComboBox*>(control) ||
        qobject_cast<QAbstractSpinBox*>(control) || qobject_cast<QSlider*>(control);
    if (is_control) {
      EXPECT_FALSE(control->toolTip().isEmpty())
          << control->metaObject()->className() << " " << control->objectName().toStdString() << " "
          << control->property("text").toString().toStdString();
    }
  }
  for (QComboBox* combo : {panel.samplerCombo(), panel.spacingCombo()}) {
    for (int i = 0; i < combo->count(); ++i) {
      EXPECT_FALSE(combo->itemData(i, Qt::ToolTipRole).toString().isEmpty())
          << combo->itemText(i).toStdString();
    }
  }
  for (const std::string& name : sampler_names()) {
    EXPECT_FALSE(samplerHint(QString::fromStdString(name)).isEmpty()) << name;
  }
  for (const std::string& name : spacing_names()) {
    EXPECT_FALSE(spacingHint(QString::fromStdString(name)).isEmpty()) << name;
  }
  panel.samplerCombo()->setCurrentText(QStringLiteral("heun"));
  EXPECT_TRUE(panel.samplerCombo()->toolTip().contains(samplerExplanation(QStringLiteral("heun"))));
}

TEST(ControlsPanelTest, GenerateStaysInViewWhenThePanelIsShort) {
  ControlsPanel panel;
  auto info = std::make_shared<ModelInfo>();
  info->class_names = {"cat", "dog"};
  panel.setModelInfo(info);
  panel.resize(320, 300);  // far shorter than the knobs
  panel.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
  for (QWidget* button :
       {static_cast<QWidget*>(panel.generateButton()), static_cast<QWidget*>(panel.stopButton())}) {
    EXPECT_TRUE(button->isVisible());
    const QRect in_panel(button->mapTo(&panel, QPoint(0, 0)), button->size());
    EXPECT_TRUE(panel.rect().contains(in_panel)) << in_panel.y() << " of " << panel.height();
    EXPECT_FALSE(button->visibleRegion().isEmpty());
  }
}

TEST(SigmaTextTest, NoiseLevelsReadWithoutExponentNotation) {
  const QChar thin(0x2009);
  EXPECT_EQ(sigmaText(20290.0), QStringLiteral("20") + thin + QStringLiteral("300"));
  EXPECT_EQ(sigmaText(999.7), QStringLiteral("1") + thin + QStringLiteral("000"));
  EXPECT_EQ(sigmaText(157.3), QStringLiteral("157"));
  EXPECT_EQ(sigmaText(1.5), QStringLiteral("1.5"));
  EXPECT_EQ(sigmaText(0.0183), QStringLiteral("0.0183"));
  EXPECT_EQ(sigmaText(0.0), QStringLiteral("0"));
  EXPECT_EQ(sigmaText(2.5e6), QStringLiteral("2.5·10⁶"));
  EXPECT_EQ(sigmaText(4.2e-5), QStringLiteral("4.2·10⁻⁵"));
  EXPECT_EQ(sigmaText(9.97e6), QStringLiteral("1.0·10⁷"));
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
  window->timeline()->setLoop(false);  // looping playback is tested in ui_main_window_test
  QTest::keyClick(window->canvas(), Qt::Key_Space);  // at the end, play starts over from 0
  EXPECT_TRUE(window->timeline()->isPlaying());
  ASSERT_TRUE(wait_until([&] { return !window->timeline()->isPlaying(); }, 10000));
  EXPECT_EQ(window->shownFrame(), 8);
}

}  // namespace
}  // namespace emergence::ui::test
