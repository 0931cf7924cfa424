// The spectrum panel under the offscreen platform: export state, read-out, step picking, colours.
#include "ui/spectrum_panel.h"

#include <gtest/gtest.h>

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "core/media/spectrum.h"
#include "ui/lockin_heatmap.h"
#include "ui/spectrum_summary.h"

namespace emergence::ui {
namespace {

// A 32² run of 20 calls whose band b settles at step 3b+2 (lock-in ramps up over 3 steps before).
std::shared_ptr<const SpectralSnapshot> synthetic_snapshot(bool complete) {
  auto s = std::make_shared<SpectralSnapshot>();
  s->height = s->width = s->size = 32;
  s->total_calls = 20;
  s->complete = complete;
  s->bands = log_spaced_bands(32);
  for (int k = 0; k < 16; ++k) {
    s->frequencies.push_back((k + 1) / 32.0);
    s->reference_rapsd.push_back(static_cast<float>(std::pow((k + 1) / 32.0, -2.0) * 1e-3));
  }
  const int steps = complete ? 21 : 12;
  s->reference_step = steps - 1;
  for (int i = 0; i < steps; ++i) {
    auto step = std::make_shared<SpectralStep>();
    step->index = i;
    step->sigma = 80.0 * std::pow(0.6, i);
    step->noise_floor = step->sigma * step->sigma * 0.447;
    step->rapsd_x0 = s->reference_rapsd;
    step->rapsd_xt = s->reference_rapsd;
    for (float& v : step->rapsd_xt) {
      v += static_cast<float>(step->noise_floor);
    }
    s->steps.push_back(step);
    s->cutoff.push_back(cutoff_frequency(s->reference_rapsd, 32, step->noise_floor));
    for (int b = 0; b < s->num_bands(); ++b) {
      s->lockin.push_back(std::clamp((i - 3.0f * b + 1.0f) / 3.0f, 0.0f, 1.0f));
    }
  }
  for (int b = 0; b < s->num_bands(); ++b) {
    std::vector<float> column;
    for (int i = 0; i < steps; ++i) {
      column.push_back(s->lockin_at(i, b));
    }
    s->emergence.push_back(emergence_step(column, 0.9));
  }
  return s;
}

QString summaryText(const SpectrumPanel& panel) {
  for (const QLabel* label : panel.findChildren<QLabel*>()) {
    if (label->text().contains(QStringLiteral("bands settled"))) {
      return label->text();
    }
  }
  return {};
}

TEST(SpectrumPanelTest, ExportIsOfferedOnlyWithASnapshot) {
  SpectrumPanel panel;
  QPushButton* button = panel.findChild<QPushButton*>();
  ASSERT_NE(button, nullptr);
  EXPECT_EQ(button->text(), QStringLiteral("Export CSV…"));
  EXPECT_FALSE(button->isEnabled());
  panel.setSnapshot(synthetic_snapshot(true));
  EXPECT_TRUE(button->isEnabled());
  panel.setSnapshot(nullptr);
  EXPECT_FALSE(button->isEnabled());
}

TEST(SpectrumPanelTest, SummaryCountsTheBandsSettledByTheCurrentStep) {
  SpectrumPanel panel;
  const auto snapshot = synthetic_snapshot(true);
  ASSERT_EQ(snapshot->num_bands(), 6);
  ASSERT_EQ(snapshot->emergence[0], 2);
  ASSERT_EQ(snapshot->emergence[5], 17);
  panel.setSnapshot(snapshot);
  panel.setCurrentStep(0);
  EXPECT_TRUE(summaryText(panel).contains(QStringLiteral("0 of 6 bands settled")))
      << summaryText(panel).toStdString();
  panel.setCurrentStep(8);  // bands 0, 1, 2 settle at 2, 5, 8
  EXPECT_TRUE(summaryText(panel).contains(QStringLiteral("3 of 6 bands settled")))
      << summaryText(panel).toStdString();
  panel.setCurrentStep(500);  // past the end shows the last step
  EXPECT_TRUE(summaryText(panel).contains(QStringLiteral("Step 20 of 20")))
      << summaryText(panel).toStdString();
  EXPECT_TRUE(summaryText(panel).contains(QStringLiteral("6 of 6 bands settled")));
}

// Issue 11: "every frequency is below the noise; 6 of 6 bands settled" read as a contradiction.
// Both can be true at once (x_t drowned, its clean guess already decided), so the read-out must
// say which picture each half is about.
TEST(SpectrumPanelTest, ReadOutTellsTheNoisyImageFromTheCleanGuess) {
  auto early = std::make_shared<SpectralSnapshot>(*synthetic_snapshot(true));
  std::fill(early->emergence.begin(), early->emergence.end(), 0);  // all settled at step 0
  auto first = std::make_shared<SpectralStep>(*early->steps[0]);
  first->sigma = 20290.0;
  first->noise_floor = first->sigma * first->sigma * 0.447;
  early->steps[0] = first;
  early->cutoff[0] = cutoff_frequency(early->reference_rapsd, 32, first->noise_floor);
  ASSERT_EQ(early->cutoff[0], 0.0);

  const QString text = spectrumSummary(*early, 0);
  EXPECT_FALSE(text.contains(QStringLiteral("below the noise"))) << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("noisy image x_t is still all noise")))
      << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("yet the clean guess x̂0 has 6 of 6 bands settled")))
      << text.toStdString();
  EXPECT_TRUE(text.contains(QStringLiteral("σ 20") + QChar(0x2009) + QStringLiteral("300")))
      << text.toStdString();
  EXPECT_FALSE(text.contains(QStringLiteral("e+"))) << text.toStdString();

  // Mid-way the noise hides only fine detail, said in pixels.
  const auto snapshot = synthetic_snapshot(true);
  const int row = 8;
  ASSERT_GT(snapshot->cutoff[row], 0.0);
  ASSERT_LT(snapshot->cutoff[row], 0.5);
  const QString mid = spectrumSummary(*snapshot, row);
  EXPECT_TRUE(mid.contains(QStringLiteral("noise hides detail finer than %1 px")
                               .arg(1.0 / snapshot->cutoff[row], 0, 'f', 1)))
      << mid.toStdString();
  EXPECT_TRUE(mid.contains(QStringLiteral("; the clean guess x̂0 has 3 of 6 bands settled")))
      << mid.toStdString();
  EXPECT_TRUE(mid.contains(QStringLiteral("final image"))) << mid.toStdString();
  EXPECT_TRUE(
      spectrumSummary(*synthetic_snapshot(false), 4).contains(QStringLiteral("latest guess")));
}

TEST(SpectrumPanelTest, ClickingTheHeatmapPicksTheStepUnderTheMouse) {
  SpectrumPanel panel;
  panel.resize(520, 600);
  panel.setSnapshot(synthetic_snapshot(false));  // mid-run: 12 of 21 frames so far
  panel.show();
  LockinHeatmap* heatmap = panel.findChild<LockinHeatmap*>();
  ASSERT_NE(heatmap, nullptr);
  QSignalSpy picked(&panel, &SpectrumPanel::stepPicked);
  QTest::mouseClick(heatmap, Qt::LeftButton, {},
                    QPoint(heatmap->width() / 2, heatmap->height() / 3));
  ASSERT_EQ(picked.count(), 1);
  // The columns span all 21 frames of the run, so the middle of the map is near frame 10.
  EXPECT_NEAR(picked.at(0).at(0).toInt(), 10, 3);
  QTest::mouseClick(heatmap, Qt::LeftButton, {}, QPoint(2, heatmap->height() / 3));
  EXPECT_EQ(picked.count(), 1);  // the band labels are not part of the map
}

TEST(SpectrumPanelTest, HeatmapColoursSettledCellsBrightAndUnsettledDark) {
  LockinHeatmap heatmap;
  heatmap.resize(400, 200);
  heatmap.setSnapshot(synthetic_snapshot(true));
  heatmap.setCurrentStep(0);
  const QImage image = heatmap.grab().toImage();
  const QColor settled = LockinHeatmap::colorOf(1.0f);
  const QColor unsettled = LockinHeatmap::colorOf(0.0f);
  EXPECT_GT(settled.lightness(), unsettled.lightness() + 100);
  // Low bands are drawn at the bottom: a row in the lower half (band 1, settled from step 5) has
  // settled cells, and the top row (the finest band, settled only at step 17) starts unsettled.
  auto near = [](QColor a, QColor b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) +
               std::abs(a.blue() - b.blue()) <
           30;
  };
  bool found_settled = false;
  bool found_unsettled = false;
  for (int x = 0; x < image.width(); ++x) {
    const int y_bottom = image.height() * 6 / 10;
    const int y_top = 8;
    found_settled = found_settled || near(image.pixelColor(x, y_bottom), settled);
    found_unsettled = found_unsettled || near(image.pixelColor(x, y_top), unsettled);
  }
  EXPECT_TRUE(found_settled);
  EXPECT_TRUE(found_unsettled);
}

}  // namespace
}  // namespace emergence::ui
