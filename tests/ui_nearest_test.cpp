// The Nearest Training Images panel in the window: the k nearest sorted by distance, a near copy,
// models without known training data, Stable Diffusion, and its View menu toggle.
#include <gtest/gtest.h>

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "core/diffusion_model.h"
#include "core/display_image.h"
#include "core/media/image_file.h"
#include "core/model/model_folder.h"
#include "core/trajectory.h"
#include "gui_test_support.h"
#include "ui/frame_store.h"
#include "ui/message_banner.h"
#include "ui/nearest_panel.h"
#include "ui/spectrum_panel.h"

namespace emergence::ui::test {
namespace {

// A copy of the unet_small fixture saved as a pipeline folder whose emergence.json names
// `training_data`, and (when count > 0) that folder with `count` random 16×16 PNGs.
struct ModelWithData {
  QTemporaryDir dir;
  QString model;
  std::vector<Image8> images;  // data/img00.png, img01.png, …
};

std::unique_ptr<ModelWithData> model_with_data(int count, const std::string& training_data = {}) {
  auto out = std::make_unique<ModelWithData>();
  const std::string root = out->dir.path().toStdString();
  const std::string data = training_data.empty() ? root + "/data" : training_data;
  std::mt19937 random(7);
  if (count > 0) {
    std::filesystem::create_directories(data);
  }
  for (int i = 0; i < count; ++i) {
    Image8 image{16, 16, 3, std::vector<uint8_t>(16 * 16 * 3)};
    for (uint8_t& level : image.pixels) {
      level = static_cast<uint8_t>(random() % 256);
    }
    char name[32];
    std::snprintf(name, sizeof name, "/img%02d.png", i);
    write_image(data + name, image);
    out->images.push_back(image);
  }
  const ModelFolder fixture = read_model_folder(small_model_dir().toStdString());
  UNet2DModel unet = load_unet(fixture);
  ModelLabels labels;
  labels.training_data = data;
  save_model_folder(root + "/model", fixture.config, unet, nlohmann::json::object(), labels);
  out->model = QString::fromStdString(root + "/model");
  return out;
}

std::unique_ptr<MainWindow> window_with(const QString& model) {
  QSettings().clear();
  auto window = std::make_unique<MainWindow>(QString());
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(model);
  EXPECT_TRUE(ready.wait(60000)) << window->banner()->text().toStdString();
  return window;
}

double distance(const Image8& a, const Image8& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = (a.pixels[i] - b.pixels[i]) / 127.5;
    sum += d * d;
  }
  return std::sqrt(sum);
}

QString label_text(const NearestPanel& panel, const char* name) {
  const auto* label = panel.findChild<QLabel*>(QLatin1String(name));
  return label != nullptr ? label->text() : QString();
}

TEST(NearestPanelTest, ListsTheKNearestTrainingImagesSortedByDistance) {
  const auto data = model_with_data(8);
  const auto window = window_with(data->model);
  ASSERT_TRUE(show_active(*window));
  auto* panel = window->findChild<NearestPanel*>();
  ASSERT_NE(panel, nullptr);
  panel->parentWidget()->raise();  // its dock is a tab behind the spectrum's
  ASSERT_TRUE(wait_until([&] { return panel->isVisible(); }));
  auto* table = panel->findChild<QTableWidget*>(QStringLiteral("nearestTable"));
  ASSERT_NE(table, nullptr);
  ASSERT_TRUE(wait_until([&] { return panel->search()->state() == NearestSearch::State::Ready; }))
      << panel->search()->message().toStdString();
  EXPECT_EQ(panel->search()->size(), 8);
  ASSERT_TRUE(run_to_end(*window, 4));
  const auto last = window->frames().frame(window->frames().count() - 1);
  ASSERT_TRUE(wait_until(
      [&] { return label_text(*panel, "nearestHeader").contains(QStringLiteral("final image")); }));

  // What the panel should list: every training image's distance to the final image, sorted.
  std::vector<std::pair<double, int>> expected;
  for (int i = 0; i < 8; ++i) {
    expected.push_back({distance(last->view(View::CleanGuess), data->images[i]), i});
  }
  std::sort(expected.begin(), expected.end());
  auto check_rows = [&](int k) {
    ASSERT_EQ(table->rowCount(), k);
    for (int row = 0; row < k; ++row) {
      const double shown = table->item(row, 1)->text().toDouble();
      EXPECT_NEAR(shown, expected[row].first, 0.006) << "row " << row;
      if (row > 0) {
        EXPECT_LE(table->item(row - 1, 1)->text().toDouble(), shown);
      }
      const QString file =
          QStringLiteral("img%1.png").arg(expected[row].second, 2, 10, QLatin1Char('0'));
      EXPECT_TRUE(table->item(row, 2)->text().contains(file))
          << table->item(row, 2)->text().toStdString();
      EXPECT_FALSE(table->item(row, 0)->icon().isNull());
    }
  };
  check_rows(NearestPanel::kDefaultCount);
  EXPECT_TRUE(label_text(*panel, "nearestVerdict").contains(QStringLiteral("Not a copy")))
      << label_text(*panel, "nearestVerdict").toStdString();

  panel->setCount(3);
  ASSERT_TRUE(wait_until([&] { return table->rowCount() == 3; }));
  check_rows(3);

  // The shown image equal to a training image is a near copy, at distance 0.
  auto copy = std::make_shared<TrajectoryFrame>(*last);
  copy->views[static_cast<int>(View::CleanGuess)] = data->images[5];
  QSignalSpy shown(panel, &NearestPanel::resultShown);
  panel->setFrame(copy);
  ASSERT_TRUE(wait_until([&] {
    return table->rowCount() == 3 &&
           table->item(0, 2)->text().contains(QStringLiteral("img05.png"));
  }));
  EXPECT_EQ(table->item(0, 1)->text(), QStringLiteral("0.00"));
  EXPECT_TRUE(label_text(*panel, "nearestVerdict").contains(QStringLiteral("Near copy")))
      << label_text(*panel, "nearestVerdict").toStdString();
}

TEST(NearestPanelTest, SaysSoWhenTheTrainingImagesAreUnknownOrMissing) {
  const auto window = window_with_small_model();  // a bare UNet folder: no emergence.json
  auto* panel = window->findChild<NearestPanel*>();
  ASSERT_NE(panel, nullptr);
  ASSERT_TRUE(wait_until([&] { return panel->search()->state() == NearestSearch::State::Unknown; }))
      << panel->search()->message().toStdString();
  EXPECT_TRUE(label_text(*panel, "nearestHeader").contains(QStringLiteral("trained elsewhere")));
  EXPECT_TRUE(label_text(*panel, "nearestHeader").contains(QStringLiteral("no training_data")));

  const auto moved = model_with_data(0, "/nonexistent/emergence-training-set");
  QSignalSpy ready(window.get(), &MainWindow::modelReady);
  window->openModelFolder(moved->model);
  ASSERT_TRUE(ready.wait(60000));
  ASSERT_TRUE(wait_until([&] { return panel->search()->state() == NearestSearch::State::Failed; }));
  EXPECT_TRUE(label_text(*panel, "nearestHeader")
                  .contains(QStringLiteral("/nonexistent/emergence-training-set")));
  EXPECT_TRUE(label_text(*panel, "nearestHeader").contains(QStringLiteral("not on this computer")));
}

TEST(NearestPanelTest, WhileScrubbingOnlyTheNewestRequestIsAnswered) {
  const auto data = model_with_data(6);
  auto info = std::make_shared<ModelInfo>();
  info->height = info->width = 16;
  info->training_data = data->dir.path().toStdString() + "/data";
  NearestSearch search;
  search.setModel(info);
  ASSERT_TRUE(wait_until([&] { return search.state() == NearestSearch::State::Ready; }))
      << search.message().toStdString();
  QList<NearestResult> found;
  QObject::connect(&search, &NearestSearch::found,
                   [&found](const NearestResult& result) { found.append(result); });
  // Ten frames in a row, as a fast scrub sends them: the first is searched at once, the newest
  // waits, and the ones between are dropped.
  for (int i = 0; i < 10; ++i) {
    auto frame = std::make_shared<TrajectoryFrame>();
    frame->index = i;
    frame->total = 9;
    frame->views[static_cast<int>(View::CleanGuess)] = data->images[i % 6];
    search.find(frame, 2);
  }
  ASSERT_TRUE(wait_until([&] { return !found.isEmpty(); }));
  QTest::qWait(100);
  ASSERT_EQ(found.size(), 1);
  const NearestResult& result = found.front();
  EXPECT_EQ(result.frame, 9);
  ASSERT_EQ(result.matches.size(), 2);
  EXPECT_EQ(result.matches[0].file, QStringLiteral("img03.png"));
  EXPECT_EQ(result.matches[0].distance, 0.0);
}

TEST(NearestPanelTest, StableDiffusionModelsAreToldItDoesNotApply) {
  NearestPanel panel;
  auto info = std::make_shared<ModelInfo>();
  info->latent_scale = 8;
  info->takes_prompt = true;
  panel.setModel(info);
  EXPECT_EQ(panel.search()->state(), NearestSearch::State::NotApplicable);
  EXPECT_TRUE(label_text(panel, "nearestHeader").contains(QStringLiteral("does not apply")));
  EXPECT_FALSE(panel.findChild<QSpinBox*>(QStringLiteral("nearestCount"))->isEnabled());
}

TEST(NearestPanelTest, TheViewMenuTogglesThePanelAndTheWindowRemembersIt) {
  QSettings().clear();
  QDockWidget* dock = nullptr;
  {
    MainWindow window{QString()};
    ASSERT_TRUE(show_active(window));
    dock = qobject_cast<QDockWidget*>(window.findChild<NearestPanel*>()->parentWidget());
    ASSERT_NE(dock, nullptr);
    EXPECT_FALSE(dock->isHidden());
    dock->raise();  // a tab behind the spectrum's
    EXPECT_TRUE(wait_until([&] { return dock->isVisible(); }));
    QAction* toggle = dock->toggleViewAction();
    EXPECT_EQ(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    toggle->trigger();
    EXPECT_FALSE(dock->isVisible());
    window.close();  // saves the window state
  }
  MainWindow again{QString()};
  ASSERT_TRUE(show_active(again));
  auto* restored = qobject_cast<QDockWidget*>(again.findChild<NearestPanel*>()->parentWidget());
  ASSERT_NE(restored, nullptr);
  EXPECT_TRUE(restored->isHidden());
  restored->toggleViewAction()->trigger();
  EXPECT_TRUE(wait_until([&] { return restored->isVisible(); }));
}

TEST(NearestPanelTest, ItsKeyBringsTheTabBehindTheSpectrumToTheFront) {
  QSettings().clear();
  MainWindow window{QString()};
  ASSERT_TRUE(show_active(window));
  auto* dock = qobject_cast<QDockWidget*>(window.findChild<NearestPanel*>()->parentWidget());
  ASSERT_NE(dock, nullptr);
  bool in_view = false;  // what Qt says of the tab (isVisible() stays true behind another tab)
  QObject::connect(dock, &QDockWidget::visibilityChanged, [&](bool visible) { in_view = visible; });
  window.findChild<SpectrumPanel*>()->parentWidget()->raise();  // the nearest tab goes behind
  ASSERT_TRUE(wait_until([&] { return !in_view; }));
  const auto press = [&] {
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
  };
  press();
  EXPECT_TRUE(wait_until([&] { return in_view; }));
  EXPECT_FALSE(dock->isHidden());
  EXPECT_TRUE(dock->toggleViewAction()->isChecked());
  press();
  EXPECT_TRUE(dock->isHidden());
  EXPECT_FALSE(dock->toggleViewAction()->isChecked());
  press();
  EXPECT_TRUE(wait_until([&] { return in_view; }));
}

}  // namespace
}  // namespace emergence::ui::test
