#include "core/timestep_spacing.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace emergence {
namespace {

NoiseSchedule linear_schedule() { return NoiseSchedule(TrainingScheduleConfig{}); }

TEST(TimestepSpacing, DiffusersRules) {
  const auto s = linear_schedule();
  StepSelection sel;
  sel.spacing = Spacing::Leading;
  sel.steps_offset = 1;
  auto ts = select_timesteps(s, sel, 50);
  EXPECT_EQ(ts.front(), 981);
  EXPECT_EQ(ts.back(), 1);
  sel = {};
  sel.spacing = Spacing::Trailing;
  ts = select_timesteps(s, sel, 4);
  EXPECT_EQ(ts, (std::vector<double>{999, 749, 499, 249}));
  sel.spacing = Spacing::Linspace;
  ts = select_timesteps(s, sel, 3);
  EXPECT_EQ(ts, (std::vector<double>{999, 499.5, 0}));
}

TEST(TimestepSpacing, KarrasSpansTheScheduleAndCrowdsLowNoise) {
  const auto s = linear_schedule();
  StepSelection sel;
  sel.spacing = Spacing::Karras;
  const auto ts = select_timesteps(s, sel, 10);
  EXPECT_NEAR(ts.front(), 999, 1e-6);
  EXPECT_NEAR(ts.back(), 0, 1e-6);
  for (size_t i = 1; i < ts.size(); ++i) {
    EXPECT_LT(ts[i], ts[i - 1]);
  }
}

TEST(ScheduleShift, OneLeavesStepsUnchanged) {
  const auto s = linear_schedule();
  for (Spacing spacing :
       {Spacing::Leading, Spacing::Linspace, Spacing::Trailing, Spacing::Karras}) {
    StepSelection plain;
    plain.spacing = spacing;
    StepSelection shifted = plain;
    shifted.shift = 1.0;
    EXPECT_EQ(select_timesteps(s, plain, 25), select_timesteps(s, shifted, 25));
  }
}

TEST(ScheduleShift, IsMonotoneInTheShift) {
  const auto s = linear_schedule();
  const std::vector<double> shifts = {0.1, 0.3, 0.7, 1.0, 1.5, 3.0, 8.0};
  std::vector<std::vector<double>> runs;
  for (double shift : shifts) {
    StepSelection sel;
    sel.spacing = Spacing::Linspace;
    sel.shift = shift;
    runs.push_back(select_timesteps(s, sel, 20));
  }
  for (size_t k = 1; k < runs.size(); ++k) {
    double total_prev = 0, total = 0;
    for (size_t i = 0; i < runs[k].size(); ++i) {
      EXPECT_GE(runs[k][i] + 1e-9, runs[k - 1][i]) << "shift " << shifts[k] << " step " << i;
      total_prev += runs[k - 1][i];
      total += runs[k][i];
    }
    EXPECT_GT(total, total_prev);  // strictly moves the interior steps
  }
  // The end points stay: pure noise stays pure noise, the clean end stays clean.
  EXPECT_DOUBLE_EQ(shift_time(0.0, 3.0), 0.0);
  EXPECT_DOUBLE_EQ(shift_time(1.0, 3.0), 1.0);
}

TEST(ScheduleShift, IntegerStepsStayDistinctUnderExtremeShift) {
  const auto s = linear_schedule();
  StepSelection sel;
  sel.spacing = Spacing::Leading;
  sel.shift = 20.0;
  const auto ts = integer_timesteps(select_timesteps(s, sel, 200), 1000);
  ASSERT_EQ(ts.size(), 200u);
  for (size_t i = 1; i < ts.size(); ++i) {
    EXPECT_LT(ts[i], ts[i - 1]);
  }
  EXPECT_GE(ts.back(), 0);
  EXPECT_LE(ts.front(), 999);
}

TEST(TimestepSpacing, BadParametersNameTheirRange) {
  const auto s = linear_schedule();
  StepSelection sel;
  auto message = [&](int steps, StepSelection p) {
    try {
      select_timesteps(s, p, steps);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(0, sel), "steps must be in [1, 1000] (got 0)");
  EXPECT_EQ(message(1001, sel), "steps must be in [1, 1000] (got 1001)");
  sel.shift = -1;
  EXPECT_NE(message(10, sel).find("shift must be in [0.05, 20]"), std::string::npos);
  sel = {};
  sel.karras_rho = 0;
  EXPECT_NE(message(10, sel).find("rho"), std::string::npos);
  EXPECT_THROW(parse_spacing("uniform"), Error);
}

}  // namespace
}  // namespace emergence
