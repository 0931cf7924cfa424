#include "core/timestep_spacing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "core/beta_distribution.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/sampler.h"
#include "test_support.h"

namespace emergence {
namespace {

NoiseSchedule linear_schedule() { return NoiseSchedule(TrainingScheduleConfig{}); }

using test::cosine_schedule;
using test::sd_schedule;

std::vector<Spacing> all_spacings() {
  std::vector<Spacing> all;
  for (const std::string& name : spacing_names()) {
    all.push_back(parse_spacing(name));
  }
  return all;
}

// A step count every schedule takes: ddim_uniform needs T mod N ≤ 1.
constexpr int kStepCounts[] = {1, 2, 10, 20, 25, 40, 50, 200};

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
  for (Spacing spacing : all_spacings()) {
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
  EXPECT_THROW(parse_spacing("uniformly"), Error);
}

TEST(ScheduleNames, EverySpellingMapsToItsSchedule) {
  const std::pair<const char*, Spacing> expected[] = {
      {"leading", Spacing::Leading},
      {"karras", Spacing::Karras},
      {"Karras", Spacing::Karras},  // A1111 labels
      {"Exponential", Spacing::Exponential},
      {"Beta", Spacing::Beta},
      {"Simple", Spacing::Simple},
      {"Normal", Spacing::Normal},
      {"Uniform", Spacing::Normal},
      {"SGM Uniform", Spacing::SgmUniform},
      {"SGMUniform", Spacing::SgmUniform},
      {"KL Optimal", Spacing::KlOptimal},
      {"Align Your Steps", Spacing::AlignYourSteps},
      {"DDIM", Spacing::DdimUniform},
      {"exponential", Spacing::Exponential},  // ComfyUI names
      {"beta", Spacing::Beta},
      {"simple", Spacing::Simple},
      {"normal", Spacing::Normal},
      {"sgm_uniform", Spacing::SgmUniform},
      {"ddim_uniform", Spacing::DdimUniform},
      {"kl_optimal", Spacing::KlOptimal},
      {"align_your_steps", Spacing::AlignYourSteps},
      {"ays", Spacing::AlignYourSteps},
      {"KARRAS", Spacing::Karras},  // any letter case
      {"sgm uniform", Spacing::SgmUniform},
  };
  for (const auto& [name, spacing] : expected) {
    EXPECT_EQ(parse_spacing(name), spacing) << name;
  }
  for (const std::string& name : spacing_names()) {
    EXPECT_EQ(to_string(parse_spacing(name)), name);
  }
  for (const auto& [spelling, ours] : spacing_spellings()) {
    EXPECT_EQ(to_string(parse_spacing(spelling)), ours) << spelling;
  }
  EXPECT_EQ(spacing_names().size(), 12u);
}

TEST(ScheduleNames, AnUnknownNameListsTheKnownOnes) {
  try {
    parse_spacing("linear_quadratic");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown schedule 'linear_quadratic'"), std::string::npos) << message;
    for (const std::string& name : spacing_names()) {
      EXPECT_NE(message.find(name), std::string::npos) << name << " missing from " << message;
    }
  }
}

// scipy.stats.beta.ppf (scipy 1.10.1) and .cdf at the same arguments.
TEST(BetaDistribution, QuantileMatchesScipy) {
  const std::pair<double, double> ppf_06[] = {
      {1e-12, 1.8558824624914097e-20}, {1e-06, 1.8558824624053043e-10},
      {0.001, 1.855873851745199e-05},  {0.05, 0.012554456873611399},
      {0.25, 0.17568037865269498},     {0.5, 0.5000000000000001},
      {0.75, 0.824319621347305},       {0.95, 0.9874455431263885},
      {0.999, 0.9999814412614826},     {1 - 1e-9, 0.9999999999999981},
  };
  for (const auto& [p, x] : ppf_06) {
    EXPECT_NEAR(beta_quantile(p, 0.6, 0.6), x, 1e-14 * std::max(x, 1e-300) + 1e-15) << p;
  }
  EXPECT_NEAR(beta_quantile(0.3, 2, 5), 0.18180347131894917, 1e-15);
  EXPECT_NEAR(beta_quantile(0.9, 0.5, 3), 0.38624888180536926, 1e-15);
  EXPECT_NEAR(beta_quantile(0.01, 3, 0.7), 0.25956017761876937, 1e-15);
  EXPECT_NEAR(beta_cdf(0.4, 2, 5), 0.7667200000000001, 1e-15);
  EXPECT_NEAR(beta_cdf(0.4, 0.5, 3), 0.9075736884683254, 1e-15);
  EXPECT_NEAR(beta_cdf(0.4, 3, 0.7), 0.038228864542076614, 1e-15);
  EXPECT_EQ(beta_quantile(0.0, 0.6, 0.6), 0.0);
  EXPECT_EQ(beta_quantile(1.0, 0.6, 0.6), 1.0);
}

// Every schedule gives exactly the steps asked for, strictly descending inside [0, T-1], on the
// schedules of SD (scaled_linear) and of the built-in model (cosine).
TEST(Schedules, EveryScheduleGivesStrictlyDescendingStepsInRange) {
  for (const NoiseSchedule& s : {sd_schedule(), cosine_schedule()}) {
    for (Spacing spacing : all_spacings()) {
      for (int steps : kStepCounts) {
        StepSelection sel;
        sel.spacing = spacing;
        const auto ts = select_timesteps(s, sel, steps);
        ASSERT_EQ(static_cast<int>(ts.size()), steps) << to_string(spacing);
        EXPECT_LE(ts.front(), 999.0) << to_string(spacing);
        EXPECT_GE(ts.back(), 0.0) << to_string(spacing);
        for (size_t i = 1; i < ts.size(); ++i) {
          EXPECT_LT(ts[i], ts[i - 1]) << to_string(spacing) << " " << steps << " step " << i;
        }
        if (defines_sigmas(spacing)) {
          const auto sigmas = schedule_sigmas(s, sel, steps);
          ASSERT_EQ(sigmas.size(), ts.size());
          for (size_t i = 1; i < sigmas.size(); ++i) {
            EXPECT_LT(sigmas[i], sigmas[i - 1]) << to_string(spacing) << " " << steps;
          }
        } else {
          EXPECT_THROW(schedule_sigmas(s, sel, steps), Error);
        }
      }
    }
  }
}

// The σ schedules span σ_max … σ_min of the training schedule (sgm_uniform stops one step short
// of it; AYS is SD 1.5's own table).
TEST(Schedules, SigmaSchedulesSpanTheTrainingSchedule) {
  const auto s = sd_schedule();
  const double sigma_max = s.sigma(999);
  const double sigma_min = s.sigma(0);
  for (Spacing spacing : {Spacing::Karras, Spacing::Exponential, Spacing::Beta, Spacing::KlOptimal,
                          Spacing::Normal}) {
    StepSelection sel;
    sel.spacing = spacing;
    const auto sigmas = schedule_sigmas(s, sel, 20);
    EXPECT_NEAR(sigmas.front(), sigma_max, 1e-6 * sigma_max) << to_string(spacing);
    EXPECT_NEAR(sigmas.back(), sigma_min, 1e-6 * sigma_min) << to_string(spacing);
  }
  StepSelection sgm;
  sgm.spacing = Spacing::SgmUniform;
  EXPECT_NEAR(select_timesteps(s, sgm, 20).back(), 999.0 / 20, 1e-9);
  StepSelection ays;
  ays.spacing = Spacing::AlignYourSteps;
  EXPECT_EQ(schedule_sigmas(s, ays, 10), (std::vector<double>{14.615, 6.475, 3.861, 2.697, 1.886,
                                                              1.396, 0.963, 0.652, 0.399, 0.152}));
  // Interpolated counts keep the table's ends: σ_max first, and a last step above 0.029.
  const auto ays_30 = schedule_sigmas(s, ays, 30);
  EXPECT_DOUBLE_EQ(ays_30.front(), 14.615);
  EXPECT_GT(ays_30.back(), 0.029);
}

// ComfyUI's simple takes sigmas[-(1 + int(x·T/N))]: trailing's round(T − x·T/N) − 1 rounded down.
TEST(Schedules, SimpleIsTrailingRoundedDown) {
  const auto s = sd_schedule();
  StepSelection simple;
  simple.spacing = Spacing::Simple;
  StepSelection trailing;
  trailing.spacing = Spacing::Trailing;
  EXPECT_EQ(select_timesteps(s, simple, 20), select_timesteps(s, trailing, 20));
  const auto ts = select_timesteps(s, simple, 30);
  EXPECT_EQ(ts[1], 966.0);
  EXPECT_EQ(ts[2], 933.0);  // 1000·2/30 = 66.7: simple 999 − 66, trailing round(933.3) − 1
  EXPECT_EQ(select_timesteps(s, trailing, 30)[2], 932.0);
}

// ComfyUI's ddim_uniform makes N steps only where T mod N ≤ 1; for other N it would make more,
// so the run says so and names the nearest counts that work.
TEST(Schedules, DdimUniformRefusesStepCountsItCannotMake) {
  const auto s = sd_schedule();
  StepSelection sel;
  sel.spacing = Spacing::DdimUniform;
  EXPECT_EQ(select_timesteps(s, sel, 20).front(), 951.0);
  EXPECT_EQ(select_timesteps(s, sel, 20).back(), 1.0);
  try {
    select_timesteps(s, sel, 30);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("makes 31 steps, not 30"), std::string::npos) << message;
    EXPECT_NE(message.find("27 or 37 steps"), std::string::npos) << message;
  }
  SamplerSettings ddim;
  ddim.name = "ddim";
  ddim.steps = 30;
  ddim.selection = sel;
  EXPECT_THROW(make_sampler(s, ddim), Error);
  ddim.steps = 600;  // a stride of 1 makes 999 steps
  EXPECT_THROW(make_sampler(s, ddim), Error);
}

// The shift moves every schedule's steps the same way: towards noise for s > 1, keeping the ends.
TEST(ScheduleShift, WorksOnEverySchedule) {
  const auto s = cosine_schedule();
  for (Spacing spacing : all_spacings()) {
    StepSelection plain;
    plain.spacing = spacing;
    StepSelection up = plain;
    up.shift = 3.0;
    StepSelection down = plain;
    down.shift = 0.3;
    const auto base = select_timesteps(s, plain, 20);
    const auto high = select_timesteps(s, up, 20);
    const auto low = select_timesteps(s, down, 20);
    for (size_t i = 0; i < base.size(); ++i) {
      EXPECT_GE(high[i] + 1e-9, base[i]) << to_string(spacing) << " step " << i;
      EXPECT_LE(low[i], base[i] + 1e-9) << to_string(spacing) << " step " << i;
      if (base[i] > 0.5 && base[i] < 998.5) {
        EXPECT_GT(high[i], base[i]) << to_string(spacing) << " step " << i;
      }
    }
    // Every sampler's steps move up too (DDIM's and DPM-Solver's are whole timesteps), on SD's
    // schedule: on the cosine one beta's steps are at t > 980 but for the last few already.
    for (const std::string sampler : {"euler", "dpmpp_2m", "ddim", "ddpm", "heun"}) {
      const NoiseSchedule sd = sd_schedule();
      SamplerSettings settings;
      settings.name = sampler;
      settings.steps = 20;
      settings.selection = plain;
      const auto unshifted = make_sampler(sd, settings)->timesteps();
      settings.selection = up;
      const auto shifted = make_sampler(sd, settings)->timesteps();
      ASSERT_EQ(shifted.size(), unshifted.size());
      double moved = 0.0;
      for (size_t i = 0; i < shifted.size(); ++i) {
        EXPECT_GE(shifted[i] + 1.0, unshifted[i]) << sampler << " " << to_string(spacing);
        moved += shifted[i] - unshifted[i];
      }
      EXPECT_GT(moved, 20.0) << sampler << " " << to_string(spacing);
    }
  }
}

// DDIM and DDPM index ᾱ at integer timesteps: every schedule gives them N distinct ones, even
// where rounding would repeat them (beta and Karras crowd their steps at the ends).
TEST(Schedules, EveryScheduleWorksOnIntegerTimesteps) {
  const auto s = cosine_schedule();
  for (Spacing spacing : all_spacings()) {
    for (int steps : kStepCounts) {
      for (const char* sampler : {"ddim", "ddpm"}) {
        SamplerSettings settings;
        settings.name = sampler;
        settings.steps = steps;
        settings.selection.spacing = spacing;
        auto made = make_sampler(s, settings);
        const auto& ts = made->timesteps();
        ASSERT_EQ(static_cast<int>(ts.size()), steps) << to_string(spacing);
        for (size_t i = 0; i < ts.size(); ++i) {
          EXPECT_EQ(ts[i], std::round(ts[i]));
          EXPECT_TRUE(i == 0 || ts[i] < ts[i - 1]) << to_string(spacing) << " " << steps;
        }
      }
    }
  }
}

}  // namespace
}  // namespace emergence
