// The training window's loss axis: it holds the whole curve, ends on grid values just outside
// it, and labels at least two grid lines, for a curve over decades and for a nearly flat one.
#include <gtest/gtest.h>

#include <algorithm>

#include "ui/loss_chart.h"

namespace emergence::ui {
namespace {

void expect_axis_fits(double min_loss, double max_loss) {
  SCOPED_TRACE(testing::Message() << "losses " << min_loss << " to " << max_loss);
  const LossAxis axis = loss_axis(min_loss, max_loss);
  EXPECT_LE(axis.low, std::max(min_loss, 1e-9));  // losses under 1e-9 sit on the axis
  EXPECT_GE(axis.high, max_loss);
  ASSERT_GE(axis.ticks.size(), 2u);
  EXPECT_DOUBLE_EQ(axis.ticks.front(), axis.low);
  for (size_t i = 1; i < axis.ticks.size(); ++i) {
    EXPECT_LT(axis.ticks[i - 1], axis.ticks[i]);
  }
  EXPECT_LE(axis.ticks.back(), axis.high * (1 + 1e-9));
  // The ends are the grid values next to the curve, at most one 1-2-5 step (×2.5) outside it.
  EXPECT_GE(axis.low, std::max(min_loss, 1e-9) / 2.5);
  EXPECT_LE(axis.high, std::max(max_loss, 1e-9) * 2.5);
}

TEST(LossAxis, HoldsTheCurveAndLabelsTwoGridLines) {
  expect_axis_fits(0.0138, 0.0653);  // the built-in model's run, steps 1,000-22,000
  expect_axis_fits(0.0161, 0.0163);  // a flat stretch
  expect_axis_fits(0.05, 0.05);      // one point
  expect_axis_fits(0.004, 1.3);      // the first steps of a run
  expect_axis_fits(2e-12, 3e-10);    // below the clamp: a line on the axis
}

TEST(LossAxis, UsesOneTwoFiveOverDecadesAndEveryDigitWithinOne) {
  const LossAxis wide = loss_axis(0.004, 1.3);
  EXPECT_DOUBLE_EQ(wide.low, 0.002);
  EXPECT_DOUBLE_EQ(wide.high, 2.0);
  ASSERT_EQ(wide.ticks.size(), 10u);  // .002 .005 .01 .02 .05 .1 .2 .5 1 2
  EXPECT_NEAR(wide.ticks[1], 0.005, 1e-12);

  const LossAxis narrow = loss_axis(0.0138, 0.0653);
  EXPECT_DOUBLE_EQ(narrow.low, 0.01);
  EXPECT_NEAR(narrow.high, 0.07, 1e-12);
  ASSERT_EQ(narrow.ticks.size(), 7u);  // .01 .02 ... .07
  EXPECT_NEAR(narrow.ticks[2], 0.03, 1e-12);
}

}  // namespace
}  // namespace emergence::ui
