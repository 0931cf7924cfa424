// The window with a Stable Diffusion model: the tiny random-weight pipeline folder
// tests/data/sd/tiny_sd1 (64×64 px images from 8×8 latents) opens, takes a prompt, shows every
// step through latent→RGB or TAESD previews, and decodes steps with the VAE.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <atomic>
#include <future>

#include "core/diffusion_model.h"
#include "core/generation_params.h"
#include "core/sampling_loop.h"
#include "core/trajectory.h"
#include "gui_test_support.h"
#include "ui/canvas_view.h"
#include "ui/controls_panel.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/model_loading_indicator.h"
#include "ui/model_picker.h"
#include "ui/prompt_panel.h"
#include "ui/sketch_session.h"
#include "ui/sketch_toolbar.h"
#include "ui/spectrum_link.h"
#include "ui/spectrum_panel.h"
#include "ui/timeline_widget.h"

namespace emergence::ui::test {
namespace {

QString tiny_sd_dir() { return test_data_dir(QStringLiteral("sd/tiny_sd1")); }

std::unique_ptr<MainWindow> window_with_tiny_sd() {
  QSettings().clear();
  auto window = std::make_unique<MainWindow>(QString());
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(tiny_sd_dir());
  if (!ready.wait(60000)) {
    ADD_FAILURE() << "tiny_sd1 did not load: " << window->banner()->text().toStdString();
  }
  return window;
}

// A prompt run of `steps` steps started with Ctrl+Return in the prompt box.
bool generate_from_prompt_box(MainWindow& window, const QString& prompt, int steps) {
  window.controls()->stepsBox()->setValue(steps);
  QPlainTextEdit* box = window.controls()->promptPanel()->promptBox();
  box->setFocus();
  box->setPlainText(prompt);
  QSignalSpy ended(&window, &MainWindow::runEnded);
  QTest::keyClick(box, Qt::Key_Return, Qt::ControlModifier);
  return ended.wait(120000);
}

// Holds the run at frame `at` on the sampling thread until released, so a test can act mid-run
// without racing the sampler.
class HoldAtFrame : public SamplingObserver {
 public:
  HoldAtFrame(int at, std::shared_future<void> release, std::atomic<bool>& reached)
      : at_(at), release_(std::move(release)), reached_(reached) {}
  void on_frame(const StepFrame& frame) override {
    if (frame.index == at_) {
      reached_.store(true);
      release_.wait();
    }
  }

 private:
  int at_;
  std::shared_future<void> release_;
  std::atomic<bool>& reached_;
};

}  // namespace

TEST(StableDiffusionWindowTest, OpensWithThePromptPanelAndSizesOfItsLatentScale) {
  auto window = window_with_tiny_sd();
  ASSERT_TRUE(window->hasModel());
  ControlsPanel* controls = window->controls();
  PromptPanel* prompt = controls->promptPanel();
  EXPECT_FALSE(prompt->isHidden());
  EXPECT_FALSE(controls->classGroup()->isHidden());
  // The class picker (the group's one combo box) is a class-conditional model's: hidden here.
  const auto combos = controls->classGroup()->findChildren<QComboBox*>();
  ASSERT_EQ(combos.size(), 1);
  EXPECT_TRUE(combos.front()->isHidden());
  EXPECT_EQ(controls->guidanceBox()->value(), 7.5);  // diffusers' StableDiffusionPipeline default
  EXPECT_EQ(prompt->widthBox()->value(), 64);  // the UNet's sample_size 8 × the VAE's scale 8
  EXPECT_EQ(prompt->heightBox()->value(), 64);
  EXPECT_EQ(prompt->widthBox()->singleStep(), 8);
  EXPECT_TRUE(prompt->widthBox()->isEnabled());
  // A typed size snaps to the nearest multiple of the latent scale when editing ends.
  prompt->widthBox()->setValue(70);
  Q_EMIT prompt->widthBox()->editingFinished();
  EXPECT_EQ(prompt->widthBox()->value(), 72);
  // This build's libtorch has no CUDA: the device combo offers the CPU alone and says why.
  QComboBox* device = controls->modelPicker()->deviceCombo();
  EXPECT_EQ(device->count(), 1);
  EXPECT_FALSE(device->isEnabled());
  EXPECT_TRUE(device->toolTip().contains(QStringLiteral("CPU only")));
  // No start image for a latent model yet: the sketch actions are off, a picture is refused.
  EXPECT_FALSE(window->sketch()->toolBar()->newSketchAction()->isEnabled());
  EXPECT_FALSE(
      window->sketch()->openPicture(test_data_dir(QStringLiteral("sd/tiny_sd1_run/image.png"))));
  EXPECT_TRUE(window->banner()->text().contains(QStringLiteral("VAE encoder")));

  prompt->promptBox()->setPlainText(QStringLiteral("a fox"));
  prompt->negativeBox()->setPlainText(QStringLiteral("blurry"));
  prompt->widthBox()->setValue(72);
  const GenerationParams p = controls->params();
  EXPECT_EQ(p.prompt, "a fox");
  EXPECT_EQ(p.negative_prompt, "blurry");
  EXPECT_EQ(p.width, 72);
  EXPECT_EQ(p.height, 64);
  EXPECT_EQ(p.class_label, -1);
  EXPECT_EQ(p.guidance_scale, 7.5);

  // Remembered: a new window on the same settings starts with them.
  window->close();
  window.reset();
  MainWindow again{QString()};
  QSignalSpy ready(&again, &MainWindow::modelReady);
  ASSERT_TRUE(ready.wait(60000));  // the last model opens by itself
  const GenerationParams kept = again.controls()->params();
  EXPECT_EQ(kept.prompt, "a fox");
  EXPECT_EQ(kept.negative_prompt, "blurry");
  EXPECT_EQ(kept.width, 72);
}

TEST(StableDiffusionWindowTest, CtrlReturnInThePromptBoxGeneratesAndTheFinalImageIsTheVaes) {
  auto window = window_with_tiny_sd();
  ASSERT_TRUE(show_active(*window));
  ASSERT_TRUE(generate_from_prompt_box(*window, QStringLiteral("a watercolor fox"), 4));
  EXPECT_TRUE(window->banner()->isHidden()) << window->banner()->text().toStdString();
  ASSERT_EQ(window->frames().count(), 5);
  EXPECT_EQ(window->frames().trajectory().params.prompt, "a watercolor fox");
  // Every step's views through latent→RGB: one pixel per latent cell.
  EXPECT_EQ(window->frames().frame(2)->view(View::CleanGuess).width, 8);
  // The completed run's final image: the VAE decode at the image size, on the last step.
  ASSERT_EQ(window->decodedSteps().count(4), 1u);
  EXPECT_EQ(window->decodedSteps().at(4).size(), QSize(64, 64));
  EXPECT_EQ(window->shownFrame(), 4);
  EXPECT_EQ(window->view(), FrameView::CleanGuess);
  EXPECT_EQ(window->canvas()->images().back().size(), QSize(64, 64));
  EXPECT_TRUE(window->cleanGuessCaption().contains(QStringLiteral("VAE")));
  // Save Current Frame writes what the canvas shows: the decode, not the latent view.
  EXPECT_EQ(window->shownTrajectory().frames[4]->view(View::CleanGuess).width, 64);
  EXPECT_EQ(window->frames().frame(4)->view(View::CleanGuess).width, 8);

  // An earlier step shows the latent→RGB guess and says so; D decodes it with the VAE.
  window->timeline()->setCurrentFrame(2);
  EXPECT_TRUE(window->cleanGuessCaption().contains(QStringLiteral("latent→RGB")));
  EXPECT_EQ(window->canvas()->images().back().size(), QSize(8, 8));
  QSignalSpy decoded(window.get(), &MainWindow::stepDecoded);
  QTest::keyClick(window->canvas(), Qt::Key_D);
  ASSERT_TRUE(decoded.wait(60000));
  EXPECT_EQ(decoded.takeFirst().at(0).toInt(), 2);
  EXPECT_EQ(window->decodedSteps().at(2).size(), QSize(64, 64));
  EXPECT_EQ(window->canvas()->images().back().size(), QSize(64, 64));
  EXPECT_TRUE(window->cleanGuessCaption().contains(QStringLiteral("VAE")));

  // A prompt longer than CLIP's 75 tokens runs on its first 75, and the banner says so.
  QStringList words;
  for (int i = 0; i < 90; ++i) {
    words << QStringLiteral("fox");
  }
  ASSERT_TRUE(generate_from_prompt_box(*window, words.join(QLatin1Char(' ')), 2));
  EXPECT_FALSE(window->banner()->isHidden());
  EXPECT_TRUE(window->banner()->text().contains(QStringLiteral("75")))
      << window->banner()->text().toStdString();

  // The grids of pixel models say they are not for this one yet.
  window->openFanOutDialog();
  EXPECT_TRUE(window->banner()->text().contains(QStringLiteral("pixel models")));

  // Another size: the latents follow it, and so does the decode.
  window->controls()->promptPanel()->widthBox()->setValue(80);
  ASSERT_TRUE(run_to_end(*window, 2));
  EXPECT_EQ(window->frames().frame(1)->view(View::NoisyState).width, 10);
  EXPECT_EQ(window->decodedSteps().at(2).size(), QSize(80, 64));
}

TEST(StableDiffusionWindowTest, BranchHereFollowsANewPromptAfterTheSharedSteps) {
  auto window = window_with_tiny_sd();
  ASSERT_TRUE(show_active(*window));
  ASSERT_TRUE(generate_from_prompt_box(*window, QStringLiteral("a fox"), 4));
  const auto parent_frame = window->frames().frame(2);
  const auto parent_last = window->frames().frame(4);
  window->timeline()->setCurrentFrame(2);
  window->controls()->promptPanel()->promptBox()->setPlainText(QStringLiteral("a cat"));
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  window->branchHere();
  ASSERT_TRUE(ended.wait(60000));
  EXPECT_TRUE(window->banner()->isHidden()) << window->banner()->text().toStdString();
  const GenerationParams& branch = window->frames().trajectory().params;
  EXPECT_EQ(branch.prompt, "a cat");
  ASSERT_TRUE(branch.parent != nullptr);
  EXPECT_EQ(branch.parent->prompt, "a fox");
  EXPECT_EQ(branch.sampler, "ddim");  // a new prompt is a change: no switch to DDPM
  ASSERT_EQ(window->frames().count(), 5);
  EXPECT_EQ(window->frames().frame(2)->view(View::NoisyState).pixels,
            parent_frame->view(View::NoisyState).pixels);
  EXPECT_NE(window->frames().frame(4)->view(View::CleanGuess).pixels,
            parent_last->view(View::CleanGuess).pixels);
}

TEST(StableDiffusionWindowTest, TaesdPreviewsFillTheCleanGuessAndTheSpectrum) {
  auto window = window_with_tiny_sd();
  EXPECT_TRUE(window->previewDecoder().isEmpty());  // tiny_sd1 has no vae_tiny/
  // madebyollin's TAESD layout at its real size (8× upscaling, as tiny_sd1's VAE).
  window->setPreviewDecoderFile(
      test_data_dir(QStringLiteral("sd/taesd_default/taesd_decoder.safetensors")));
  ASSERT_TRUE(wait_until([&] { return window->previewDecoder() == QStringLiteral("TAESD"); }))
      << window->banner()->text().toStdString();
  ASSERT_TRUE(show_active(*window));

  ASSERT_TRUE(generate_from_prompt_box(*window, QStringLiteral("a fox"), 6));
  ASSERT_EQ(window->frames().count(), 7);
  EXPECT_TRUE(window->frames().frame(0)->decoded_x0.empty());  // x̂0 is zeros there
  int decoded = 0;
  for (int i = 1; i < window->frames().count(); ++i) {
    const auto frame = window->frames().frame(i);
    if (!frame->decoded_x0.empty()) {
      ++decoded;
      EXPECT_EQ(frame->decoder, "TAESD");
      EXPECT_EQ(frame->decoded_x0.width, 64);
      EXPECT_EQ(frame->decoded_x0.height, 64);
    }
  }
  EXPECT_GE(decoded, 1);
  EXPECT_FALSE(window->frames().frame(6)->decoded_x0.empty());  // the last frame always

  // The spectrum is measured on the decoded previews, at image size, and says so.
  const SpectrumLink* link = window->findChild<SpectrumLink*>();
  ASSERT_TRUE(link != nullptr && link->shown() != nullptr);
  EXPECT_EQ(link->shown()->width, 64);
  EXPECT_EQ(link->shown()->num_steps(), decoded);
  bool says_taesd = false;
  for (const QLabel* label : window->findChild<SpectrumPanel*>()->findChildren<QLabel*>()) {
    says_taesd = says_taesd || label->text().contains(QStringLiteral("from TAESD previews"));
  }
  EXPECT_TRUE(says_taesd);

  // A step before the final one: its TAESD preview (or the latest before it) at image size.
  window->timeline()->setCurrentFrame(5);
  EXPECT_TRUE(window->cleanGuessCaption().contains(QStringLiteral("TAESD")));
  EXPECT_EQ(window->canvas()->images().back().size(), QSize(64, 64));

  // Remembered for this model: reopening it attaches the same TAESD again.
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(tiny_sd_dir());
  ASSERT_TRUE(ready.wait(60000));
  ASSERT_TRUE(wait_until([&] { return window->previewDecoder() == QStringLiteral("TAESD"); }));
}

TEST(StableDiffusionWindowTest, StopMidRunSkipsTheFinalDecode) {
  auto window = window_with_tiny_sd();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> reached{false};
  window->setAnalysisFactory([&](const DiffusionModel&) {
    return std::vector<std::shared_ptr<SamplingObserver>>{
        std::make_shared<HoldAtFrame>(2, released, reached)};
  });
  window->controls()->stepsBox()->setValue(6);
  QSignalSpy ended(window.get(), &MainWindow::runEnded);
  window->generate();
  ASSERT_TRUE(wait_until([&] { return reached.load(); }));
  window->stop();
  release.set_value();
  ASSERT_TRUE(ended.wait(60000));
  EXPECT_TRUE(window->decodedSteps().empty());
  EXPECT_EQ(window->frames().count(), 3);  // frames 0…2; the cancel is seen before call 3
}

TEST(StableDiffusionWindowTest, LoadingShowsProgressWaitsWithGenerateAndAFailureKeepsTheModel) {
  auto window = window_with_tiny_sd();
  ModelLoadingIndicator* loading = window->controls()->modelPicker()->loadingIndicator();
  EXPECT_FALSE(loading->isActive());
  QSignalSpy rejected(window.get(), &MainWindow::modelRejected);
  // Not a model: a TAESD decoder file on its own.
  const QString not_a_model =
      test_data_dir(QStringLiteral("sd/taesd_test/taesd_decoder.safetensors"));
  window->openModelFolder(not_a_model);
  EXPECT_TRUE(loading->isActive());
  EXPECT_TRUE(loading->text().contains(QStringLiteral("taesd_decoder.safetensors")));
  EXPECT_FALSE(window->controls()->generateButton()->isEnabled());
  ASSERT_TRUE(rejected.wait(60000));
  EXPECT_FALSE(loading->isActive());
  EXPECT_TRUE(window->controls()->generateButton()->isEnabled());
  EXPECT_TRUE(window->banner()->text().contains(QStringLiteral("taesd_decoder.safetensors")));
  EXPECT_TRUE(window->hasModel());
  EXPECT_EQ(window->modelFolder(), tiny_sd_dir());
  ASSERT_TRUE(run_to_end(*window, 2));
  EXPECT_EQ(window->frames().count(), 3);
}

TEST(StableDiffusionWindowTest, ADroppedSingleFileCheckpointOpensAndGenerates) {
  QSettings().clear();
  MainWindow window{QString()};
  // The tiny SD 1 checkpoint in the model sites' layout (tests/data/sd/single_file).
  const QString file = test_data_dir(QStringLiteral("sd/single_file/sd1.safetensors"));
  QSignalSpy ready(&window, &MainWindow::modelReady);
  EXPECT_TRUE(drop_file_on(window, file));
  ASSERT_TRUE(ready.wait(60000)) << window.banner()->text().toStdString();
  EXPECT_EQ(window.modelFolder(), file);
  EXPECT_FALSE(window.controls()->promptPanel()->isHidden());
  // 64² (32² latents) rather than its 128² default: attention over 4096 latent cells is slow.
  window.controls()->promptPanel()->widthBox()->setValue(64);
  window.controls()->promptPanel()->heightBox()->setValue(64);
  ASSERT_TRUE(show_active(window));
  ASSERT_TRUE(generate_from_prompt_box(window, QStringLiteral("a fox"), 3));
  EXPECT_TRUE(window.banner()->isHidden()) << window.banner()->text().toStdString();
  EXPECT_EQ(window.frames().count(), 4);
  ASSERT_EQ(window.decodedSteps().count(3), 1u);
  EXPECT_FALSE(window.decodedSteps().at(3).isNull());
}

// Whether any label of the window shows `text` (the model area's description, say).
bool shows_text(const MainWindow& window, const QString& text) {
  for (const QLabel* label : window.findChildren<QLabel*>()) {
    if (label->text().contains(text)) {
      return true;
    }
  }
  return false;
}

QAction* prediction_action(const MainWindow& window, const QString& choice) {
  for (QAction* action : window.findChildren<QAction*>()) {
    if (action->isCheckable() && action->data().toString() == choice) {
      return action;
    }
  }
  return nullptr;
}

TEST(StableDiffusionWindowTest, APredictionTypeChosenInTheMenuReopensTheModelAndIsRemembered) {
  QSettings().clear();
  const QString file = test_data_dir(QStringLiteral("sd/single_file/sd2.safetensors"));
  {
    MainWindow window{QString()};
    QSignalSpy ready(&window, &MainWindow::modelReady);
    window.openModelFolder(file);
    ASSERT_TRUE(ready.wait(60000)) << window.banner()->text().toStdString();
    // The probe's answer for the tiny SD 2 checkpoint (test_sd_single_file checks it).
    EXPECT_TRUE(shows_text(window, QStringLiteral("predicts the noise ε")));
    QAction* v = prediction_action(window, QStringLiteral("v"));
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(prediction_action(window, QStringLiteral("auto"))->isChecked());
    v->trigger();
    ASSERT_TRUE(ready.wait(60000)) << window.banner()->text().toStdString();
    EXPECT_TRUE(shows_text(window, QStringLiteral("predicts the velocity v")));
    EXPECT_TRUE(v->isChecked());
  }
  MainWindow again{QString()};
  QSignalSpy ready(&again, &MainWindow::modelReady);
  again.openModelFolder(file);
  ASSERT_TRUE(ready.wait(60000)) << again.banner()->text().toStdString();
  EXPECT_TRUE(shows_text(again, QStringLiteral("predicts the velocity v")));
  EXPECT_TRUE(prediction_action(again, QStringLiteral("v"))->isChecked());
}

}  // namespace emergence::ui::test
