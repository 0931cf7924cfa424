#include "core/noise_schedule.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace emergence {
namespace {

class EveryBetaSchedule : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryBetaSchedule, AlphaBarFallsFromNearOneToNearZero) {
  TrainingScheduleConfig config;
  config.beta_schedule = parse_beta_schedule(GetParam());
  if (config.beta_schedule == BetaSchedule::ScaledLinear) {
    config.beta_start = 0.00085;
    config.beta_end = 0.012;
  }
  NoiseSchedule s(config);
  ASSERT_EQ(s.alphas_cumprod().size(0), 1000);
  EXPECT_GT(s.alpha_cumprod(0), 0.99f);
  EXPECT_LT(s.alpha_cumprod(999), 0.01f);
  for (int t = 1; t < 1000; ++t) {
    ASSERT_LT(s.alpha_cumprod(t), s.alpha_cumprod(t - 1)) << "t=" << t;
    ASSERT_GT(s.sigma(t), s.sigma(t - 1)) << "t=" << t;
  }
  // σ = √((1-ᾱ)/ᾱ) at every step.
  const float a = s.alpha_cumprod(500);
  EXPECT_NEAR(s.sigma(500), std::sqrt((1 - a) / a), 1e-5 * s.sigma(500));
  EXPECT_EQ(to_string(config.beta_schedule), GetParam());
}

INSTANTIATE_TEST_SUITE_P(All, EveryBetaSchedule,
                         ::testing::Values("linear", "scaled_linear", "squaredcos_cap_v2",
                                           "sigmoid"));

TEST(NoiseSchedule, SigmaInterpolationAndInverseAgree) {
  NoiseSchedule s(TrainingScheduleConfig{});
  EXPECT_DOUBLE_EQ(s.sigma_at(250.0), s.sigma(250));
  EXPECT_GT(s.sigma_at(250.5), s.sigma(250));
  EXPECT_LT(s.sigma_at(250.5), s.sigma(251));
  for (double t : {0.0, 10.0, 333.0, 998.0}) {
    EXPECT_NEAR(s.timestep_of_sigma(s.sigma_at(t)), t, 1e-3);
  }
}

TEST(NoiseSchedule, BadParametersNameThemselves) {
  TrainingScheduleConfig c;
  c.num_train_timesteps = 0;
  try {
    NoiseSchedule s(c);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("num_train_timesteps"), std::string::npos);
  }
  c = {};
  c.beta_end = 1.5;
  EXPECT_THROW(NoiseSchedule{c}, Error);
  try {
    parse_beta_schedule("quadratic");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("quadratic"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("scaled_linear"), std::string::npos);
  }
}

}  // namespace
}  // namespace emergence
