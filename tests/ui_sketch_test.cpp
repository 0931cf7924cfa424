// The start image in the real window: painting with undo and redo, fill, the mask, a run from the
// sketch, inpainting through the window, Live mode's cancel-and-restart, and bad pictures.
#include <gtest/gtest.h>

#include <QApplication>
#include <QColor>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <atomic>
#include <chrono>
#include <mutex>

#include "core/diffusion_model.h"
#include "core/display_image.h"
#include "core/image_guide.h"
#include "core/sampling_loop.h"
#include "core/trajectory.h"
#include "gui_test_support.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_images.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/sampling_controller.h"
#include "ui/schedule_plot.h"
#include "ui/sketch_document.h"
#include "ui/sketch_session.h"
#include "ui/sketch_toolbar.h"

namespace emergence::ui::test {
namespace {

using Tool = SketchToolBar::Tool;

// The widget position of pixel (x, y) of the canvas's first image (the sketch).
QPoint at_pixel(CanvasView* canvas, int x, int y) { return canvas->pixelCentre(0, {x, y}); }

void stroke(CanvasView* canvas, QPoint from, QPoint to) {
  QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas, from.x(), from.y()));
  QTest::mouseMove(canvas, at_pixel(canvas, to.x(), to.y()));
  QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas, to.x(), to.y()));
}

class SketchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    window_ = window_with_small_model();
    ASSERT_TRUE(window_);
    window_->resize(1000, 700);
    ASSERT_TRUE(show_active(*window_));
    sketch_ = window_->sketch();
    document_ = sketch_->document();
    toolbar_ = sketch_->toolBar();
    canvas_ = window_->canvas();
  }

  std::unique_ptr<MainWindow> window_;
  SketchSession* sketch_ = nullptr;
  SketchDocument* document_ = nullptr;
  SketchToolBar* toolbar_ = nullptr;
  CanvasView* canvas_ = nullptr;
};

TEST_F(SketchTest, BrushStrokesFillAndMaskWithUndoAndRedo) {
  toolbar_->newSketchAction()->trigger();
  ASSERT_TRUE(document_->hasPicture());
  EXPECT_EQ(document_->picture().size(), QSize(16, 16));  // the model's size
  EXPECT_EQ(canvas_->paintTarget(), 0);                   // New Sketch picks the brush

  toolbar_->setColor(Qt::red);
  toolbar_->sizeBox()->setValue(1);
  stroke(canvas_, {2, 3}, {6, 3});
  for (int x = 2; x <= 6; ++x) {
    EXPECT_EQ(document_->picture().pixelColor(x, 3), QColor(Qt::red)) << x;
  }
  EXPECT_EQ(document_->picture().pixelColor(2, 4), QColor(Qt::white));  // size 1: one pixel

  // Fill the white around the line with blue: the red line stays.
  toolbar_->setTool(Tool::Fill);
  toolbar_->setColor(Qt::blue);
  QTest::mouseClick(canvas_, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas_, 10, 10));
  EXPECT_EQ(document_->picture().pixelColor(0, 0), QColor(Qt::blue));
  EXPECT_EQ(document_->picture().pixelColor(4, 3), QColor(Qt::red));

  QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier);  // undo the fill
  EXPECT_EQ(document_->picture().pixelColor(0, 0), QColor(Qt::white));
  toolbar_->undoAction()->trigger();  // undo the stroke
  EXPECT_EQ(document_->picture().pixelColor(4, 3), QColor(Qt::white));
  toolbar_->redoAction()->trigger();
  EXPECT_EQ(document_->picture().pixelColor(4, 3), QColor(Qt::red));
  QTest::keyClick(window_.get(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  EXPECT_EQ(document_->picture().pixelColor(0, 0), QColor(Qt::blue));

  // The mask: painted, erased in part, inverted, cleared; each one undo step.
  toolbar_->setTool(Tool::Mask);
  toolbar_->sizeBox()->setValue(3);
  stroke(canvas_, {8, 8}, {8, 8});
  ASSERT_TRUE(document_->hasMask());
  EXPECT_EQ(qGray(document_->mask().pixel(7, 7)), 255);  // a 3×3 square around (8, 8)
  EXPECT_EQ(qGray(document_->mask().pixel(10, 10)), 0);
  toolbar_->setTool(Tool::EraseMask);
  toolbar_->sizeBox()->setValue(1);
  stroke(canvas_, {8, 8}, {8, 8});
  EXPECT_EQ(qGray(document_->mask().pixel(8, 8)), 0);
  EXPECT_EQ(qGray(document_->mask().pixel(7, 7)), 255);
  toolbar_->invertMaskAction()->trigger();
  EXPECT_EQ(qGray(document_->mask().pixel(7, 7)), 0);
  EXPECT_EQ(qGray(document_->mask().pixel(0, 0)), 255);
  toolbar_->clearMaskAction()->trigger();
  EXPECT_FALSE(document_->hasMask());
  toolbar_->undoAction()->trigger();
  EXPECT_TRUE(document_->hasMask());
  EXPECT_EQ(document_->undoStack()->count(), 7);
}

TEST_F(SketchTest, ARunStartsFromTheSketchAndRecordsIt) {
  toolbar_->newSketchAction()->trigger();
  toolbar_->setColor(Qt::darkGreen);
  toolbar_->sizeBox()->setValue(4);
  stroke(canvas_, {2, 2}, {12, 12});
  toolbar_->setStrength(0.5);
  EXPECT_GT(window_->controls()->schedulePlot()->firstCall(), 0);  // "start" on the plot
  ASSERT_TRUE(run_to_end(*window_, 10));
  const GenerationParams& p = window_->frames().trajectory().params;
  EXPECT_EQ(p.strength, 0.5);
  EXPECT_EQ(p.init_image_hash.size(), 64u);
  EXPECT_EQ(p.init_image_fit, "sketch");
  EXPECT_TRUE(p.mask.empty());
  EXPECT_EQ(window_->frames().count(), 5 + 1);  // the last 5 of 10 steps, and the start
  // The sketch beside the result.
  ASSERT_EQ(canvas_->images().size(), 2);
  EXPECT_EQ(canvas_->images().front().pixelColor(2, 2), QColor(Qt::darkGreen));
}

// Inpainting through the window: the kept part of the final image is the sketch's.
TEST_F(SketchTest, InpaintingKeepsTheUnmaskedSketch) {
  toolbar_->newSketchAction()->trigger();
  toolbar_->setColor(QColor(40, 90, 200));
  toolbar_->setTool(Tool::Fill);
  QTest::mouseClick(canvas_, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas_, 1, 1));
  toolbar_->setTool(Tool::Mask);
  toolbar_->sizeBox()->setValue(6);
  stroke(canvas_, {8, 8}, {8, 8});
  toolbar_->setStrength(1.0);
  window_->setView(FrameView::NoisyState);
  ASSERT_TRUE(run_to_end(*window_, 8));
  EXPECT_FALSE(window_->frames().trajectory().params.mask.empty());
  const QImage result = canvas_->images().back().convertToFormat(QImage::Format_RGB32);
  const QImage mask = document_->mask();
  int kept = 0, changed = 0;
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const QColor got = result.pixelColor(x, y);
      if (qGray(mask.pixel(x, y)) == 0) {
        ++kept;
        EXPECT_LE(
            std::abs(got.red() - 40) + std::abs(got.green() - 90) + std::abs(got.blue() - 200), 3)
            << x << "," << y;
      } else if (got != QColor(40, 90, 200)) {
        ++changed;
      }
    }
  }
  EXPECT_EQ(kept, 16 * 16 - 36);
  EXPECT_GT(changed, 18);  // the random-weight model repaints most of the masked square
}

// Records when each raw frame leaves the sampler, on the worker thread.
class FrameClock : public SamplingObserver {
 public:
  void on_frame(const StepFrame&) override {
    std::lock_guard<std::mutex> lock(mutex_);
    times_.push_back(std::chrono::steady_clock::now());
  }
  int framesAfter(std::chrono::steady_clock::time_point t) {
    std::lock_guard<std::mutex> lock(mutex_);
    return int(std::count_if(times_.begin(), times_.end(), [t](auto x) { return x > t; }));
  }
  int count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return int(times_.size());
  }

 private:
  std::mutex mutex_;
  std::vector<std::chrono::steady_clock::time_point> times_;
};

// Live: a stroke during a run cancels it within one step; its end starts a fresh run whose
// result is shown with the time it took.
TEST_F(SketchTest, LiveStrokeCancelsTheRunInFlightAndRunsAgain) {
  auto clock = std::make_shared<FrameClock>();
  window_->setAnalysisFactory([clock](const DiffusionModel&) {
    return std::vector<std::shared_ptr<SamplingObserver>>{clock};
  });
  toolbar_->newSketchAction()->trigger();
  window_->controls()->stepsBox()->setValue(1000);
  toolbar_->setStrength(1.0);
  toolbar_->setLive(true);  // runs the sketch as it is
  ASSERT_TRUE(wait_until([&] { return clock->count() >= 3; }));
  ASSERT_TRUE(window_->isRunning());

  QTest::mousePress(canvas_, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas_, 4, 4));
  // The press has asked the run to stop by now (mousePress returns after the handler ran).
  const auto pressed = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return !window_->controller()->isRunning(); }, 10000));
  // The call in flight when the stop was asked for may still deliver its frame; no more.
  EXPECT_LE(clock->framesAfter(pressed), 1);
  EXPECT_LT(clock->count(), 1000);

  window_->controls()->stepsBox()->setValue(6);
  const int shown_before = int(sketch_->liveLatencies().size());
  QTest::mouseRelease(canvas_, Qt::LeftButton, Qt::NoModifier, at_pixel(canvas_, 4, 4));
  ASSERT_TRUE(wait_until([&] { return int(sketch_->liveLatencies().size()) > shown_before; }));
  EXPECT_EQ(window_->frames().count(), 6 + 1);
  EXPECT_EQ(
      window_->frames().trajectory().params.init_image_hash,
      image_levels_hash(from_image8(image8_from_qimage(document_->picture(), 3)).unsqueeze(0)));
  EXPECT_GT(sketch_->liveLatencies().back(), 0.0);
}

TEST_F(SketchTest, PicturesAreFittedAndBadOnesRefusedByName) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  QImage wide(64, 32, QImage::Format_RGB32);
  wide.fill(Qt::yellow);
  const QString good = dir.filePath(QStringLiteral("wide.png"));
  ASSERT_TRUE(wide.save(good));
  ASSERT_TRUE(sketch_->openPicture(good));
  EXPECT_EQ(document_->picture().size(), QSize(16, 16));
  EXPECT_EQ(document_->picture().pixelColor(8, 8), QColor(Qt::yellow));
  toolbar_->fitCombo()->setCurrentIndex(1);  // pad: white above and below
  QMetaObject::invokeMethod(toolbar_->fitCombo(), "activated", Q_ARG(int, 1));
  EXPECT_EQ(document_->picture().pixelColor(8, 0), QColor(Qt::white));
  EXPECT_EQ(document_->picture().pixelColor(8, 8), QColor(Qt::yellow));

  const QString bad = dir.filePath(QStringLiteral("broken.png"));
  QFile file(bad);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("not a png at all");
  file.close();
  EXPECT_FALSE(sketch_->openPicture(bad));
  EXPECT_FALSE(window_->banner()->isHidden());
  EXPECT_TRUE(window_->banner()->text().contains(QStringLiteral("broken.png")))
      << window_->banner()->text().toStdString();
  EXPECT_EQ(document_->source(), good);  // the picture before is kept
}

}  // namespace
}  // namespace emergence::ui::test
