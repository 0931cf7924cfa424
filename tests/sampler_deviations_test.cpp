// Where our samplers deliberately differ from diffusers (or diffusers fails), each shown on a
// recorded case: the difference is exactly the documented one, and nowhere else.
#include <gtest/gtest.h>

#include <cmath>

#include "core/noise_schedule.h"
#include "core/noise_source.h"
#include "core/sampler.h"
#include "core/samplers/sigma_sampler.h"
#include "core/sampling_loop.h"
#include "core/scheduler_config.h"
#include "scheduler_cases.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::load_case;
using test::max_scaled_error;
using test::ReferenceCase;
using test::split_draws;

// Our default Heun is diffusers' on every step whose σ falls at most threefold, and on the one
// step of the recorded run where it falls further (σ 0.38 → 0.01) the correction ends at the
// second denoised estimate: x' = D₂ + σ_next·(x − D₁)/σ instead of extrapolating past it.
TEST(HeunCorrectionLimit, DiffersFromDiffusersOnlyWhereSigmaFallsMoreThanThreefold) {
  ReferenceCase c = load_case("heun_linear_10");
  c.config.sampler.heun_extrapolate = false;
  NoiseSchedule schedule(c.config.training);
  auto sampler = make_sampler(schedule, c.config.sampler);
  const auto& sigmas = sampler->state_sigmas();
  ReplayNoise noise(std::vector<torch::Tensor>{});
  int limited = 0;
  for (int i = 0; i < sampler->num_calls(); ++i) {
    // Step from the recorded latent so each call is compared on its own.
    const torch::Tensor x = c.trajectory[i];
    const torch::Tensor next = sampler->step(c.model_outputs[i], i, x, noise).prev_sample;
    const bool corrector = i % 2 == 1;
    if (corrector && sigmas[i - 1] > 3.0 * sigmas[i]) {
      ++limited;
      const float sigma = static_cast<float>(sigmas[i - 1]);
      const float sigma_next = static_cast<float>(sigmas[i]);
      const torch::Tensor start = c.trajectory[i - 1];
      const torch::Tensor d1 = start - sigma * c.model_outputs[i - 1];
      const torch::Tensor d2 = x - sigma_next * c.model_outputs[i];
      const torch::Tensor expected = d2 + sigma_next * (start - d1) / sigma;
      EXPECT_LE(max_scaled_error(next, expected), 1e-5) << "call " << i;
      EXPECT_GT(max_scaled_error(next, c.trajectory[i + 1]), 1e-3) << "call " << i;
    } else {
      EXPECT_LE(max_scaled_error(next, c.trajectory[i + 1]), 1e-5) << "call " << i;
    }
  }
  EXPECT_EQ(limited, 1);
}

// DDIM with clipping: by default ε̂ is re-derived from the clipped x̂0 (diffusers'
// use_clipped_model_output), so x_t = √ᾱ·x̂0 + √(1−ᾱ)·ε̂ holds for what the step returns.
TEST(DdimClipping, ClippedStepIsConsistentWithTheLatent) {
  TrainingScheduleConfig training;
  training.beta_schedule = BetaSchedule::SquaredCosCapV2;
  NoiseSchedule schedule(training);
  SamplerSettings settings;
  settings.name = "ddim";
  settings.steps = 20;
  settings.prediction = PredictionType::VPrediction;
  settings.clip_sample = true;
  auto sampler = make_sampler(schedule, settings);
  ReplayNoise noise(std::vector<torch::Tensor>{});
  const torch::Tensor x = torch::linspace(-3, 3, 48).reshape({1, 3, 4, 4});
  const torch::Tensor v = -torch::ones_like(x) * 2;  // x̂0 far beyond [−1, 1]
  const int i = 5;
  const StepResult r = sampler->step(v, i, x, noise);
  EXPECT_LE(r.pred_x0.abs().max().item<float>(), 1.0f);
  const float a = schedule.alpha_cumprod(static_cast<int>(sampler->timesteps()[i]));
  const torch::Tensor rebuilt = std::sqrt(a) * r.pred_x0 + std::sqrt(1 - a) * r.pred_eps;
  EXPECT_LE(max_scaled_error(rebuilt, x), 1e-5);
}

// Trailing spacing with 30 steps lists 999, 966, 932, …; diffusers' DDIM steps to t − 1000 // 30,
// i.e. 966, 933, …, while ours lands on the listed timestep that the next call is told.
TEST(DdimNextStep, DefaultLandsOnTheNextListedTimestepDiffusersOnTMinusStride) {
  ReferenceCase c = load_case("ddim_trailing_scaled_linear_30");
  NoiseSchedule schedule(c.config.training);
  SamplerSettings ours = c.config.sampler;
  ours.ddim_next_listed = true;
  auto sampler = make_sampler(schedule, ours);
  const auto& ts = sampler->timesteps();
  for (int i = 0; i + 1 < sampler->num_calls(); ++i) {
    EXPECT_EQ(sampler->state_sigmas()[i + 1], schedule.sigma(static_cast<int>(ts[i + 1])))
        << "after call " << i;
  }
  auto diffusers = make_sampler(schedule, c.config.sampler);
  EXPECT_EQ(ts[2], 932.0);
  EXPECT_EQ(diffusers->state_sigmas()[2], schedule.sigma(933));
}

// diffusers' UniPC bh1 ends in NaN when it steps to σ = 0 (final_sigmas_type "zero", its
// default): the first-order last step subtracts α_t·B(h)·0 with B(h) = h = −∞. Ours takes that
// step as x̂0 and otherwise follows the recorded run, which ended at σ(0) instead.
TEST(UniPcBh1, StepToZeroLandsOnTheLastCleanEstimate) {
  ReferenceCase c = load_case("unipc_bh1_sigma_min_scaled_linear_20");
  c.config.sampler.final_sigma_min = false;
  NoiseSchedule schedule(c.config.training);
  auto sampler = make_sampler(schedule, c.config.sampler);
  ASSERT_EQ(sampler->state_sigmas().back(), 0.0);
  ReplayNoise noise(std::vector<torch::Tensor>{});
  torch::Tensor x = c.trajectory[0];
  const int n = sampler->num_calls();
  for (int i = 0; i < n; ++i) {
    const StepResult r = sampler->step(c.model_outputs[i], i, x, noise);
    x = r.prev_sample;
    if (i + 1 < n) {
      EXPECT_LE(max_scaled_error(x, c.trajectory[i + 1]), 1e-5) << "trajectory entry " << i + 1;
    } else {
      ASSERT_TRUE(torch::isfinite(x).all().item<bool>());
      EXPECT_TRUE(torch::equal(x, r.pred_x0));
    }
  }
}

// Our default DPM2 is diffusers' on every step whose σ falls at most threefold; on the one step of
// the recorded run where it falls further (σ 0.28 → 0.029) the full step is DPM-Solver-2's
// exponential-integrator form, x' = D_mid + σ_next·(x − D_mid)/σ, instead of the slope at the
// midpoint carried over the whole step.
TEST(Dpm2StepLimit, DiffersFromDiffusersOnlyWhereSigmaFallsMoreThanThreefold) {
  ReferenceCase c = load_case("kdpm2_scaled_linear_15");
  c.config.sampler.dpm2_extrapolate = false;
  NoiseSchedule schedule(c.config.training);
  auto sampler = make_sampler(schedule, c.config.sampler);
  const auto& sigmas = sampler->state_sigmas();
  ReplayNoise noise(std::vector<torch::Tensor>{});
  int limited = 0;
  for (int i = 0; i < sampler->num_calls(); ++i) {
    const torch::Tensor x = c.trajectory[i];
    const torch::Tensor next = sampler->step(c.model_outputs[i], i, x, noise).prev_sample;
    const bool full_step = i % 2 == 1;
    if (full_step && sigmas[i - 1] > 3.0 * sigmas[i + 1]) {
      ++limited;
      const auto sigma = static_cast<float>(sigmas[i - 1]);
      const torch::Tensor d_mid = x - static_cast<float>(sigmas[i]) * c.model_outputs[i];
      const torch::Tensor expected =
          d_mid + static_cast<float>(sigmas[i + 1]) / sigma * (c.trajectory[i - 1] - d_mid);
      EXPECT_LE(max_scaled_error(next, expected), 1e-5) << "call " << i;
      EXPECT_GT(max_scaled_error(next, c.trajectory[i + 1]), 1e-3) << "call " << i;
    } else {
      EXPECT_LE(max_scaled_error(next, c.trajectory[i + 1]), 1e-5) << "call " << i;
    }
  }
  EXPECT_EQ(limited, 1);
}

// Euler ancestral and DPM2 ancestral take σ_down = σ_to²/σ_from. diffusers computes
// √(σ_to² − σ_up²) in float32, which cancels where σ falls steeply: on the first trailing step of
// a cosine schedule (the built-in model's, σ 2·10⁴ → 6.4) it is 0, and KDPM2Ancestral's first
// midpoint, √(σ·σ_down), with it, so its next model input is NaN.
TEST(AncestralSplit, ExactWhereDiffusersFloat32Cancels) {
  const float from = 20291.3027f;
  const float to = 6.36459208f;
  const AncestralSplit split = ancestral_split(from, to);
  EXPECT_EQ(std::sqrt(to * to - split.up * split.up), 0.0f);  // diffusers' σ_down
  EXPECT_NEAR(split.down, static_cast<double>(to) * to / from, 1e-9);
  EXPECT_NEAR(split.down * split.down + split.up * split.up, to * to, 1e-5);
}

// Our DPM++ 3M SDE weighs D2 by (1 − e^{−2h} − 2h)/(2h)² + ½ (k-diffusion's sample_dpmpp_3m_sde,
// → 0 as h → 0), diffusers' by the same − ½: its third-order steps differ by exactly α_t·D2, and
// its first- and second-order steps (the first two and the last) not at all.
TEST(DpmPP3mSde, DefaultWeighsSecondDifferenceAsKDiffusion) {
  ReferenceCase c = load_case("dpmsolver_sde_pp3m_scaled_linear_16");
  NoiseSchedule schedule(c.config.training);
  SamplerSettings ours = c.config.sampler;
  ours.dpmpp_3m_diffusers_d2 = false;
  auto sampler = make_sampler(schedule, ours);
  auto diffusers = make_sampler(schedule, c.config.sampler);
  const std::vector<torch::Tensor> draws = split_draws(c.noises);
  const auto& sigmas = sampler->state_sigmas();
  std::vector<torch::Tensor> x0;
  const int n = sampler->num_calls();
  for (int i = 0; i < n; ++i) {
    // Step both from the recorded latent with the recorded draw.
    ReplayNoise a(std::vector<torch::Tensor>{draws[i]});
    ReplayNoise b(std::vector<torch::Tensor>{draws[i]});
    const torch::Tensor x = c.trajectory[i];
    const torch::Tensor mine = sampler->step(c.model_outputs[i], i, x, a).prev_sample;
    const torch::Tensor theirs = diffusers->step(c.model_outputs[i], i, x, b).prev_sample;
    const VpPoint s0 = vp_point(static_cast<float>(sigmas[i]));
    x0.push_back(vp_x0(x, c.model_outputs[i], s0, c.config.sampler.prediction));
    EXPECT_LE(max_scaled_error(theirs, c.trajectory[i + 1]), 1e-5) << "call " << i;
    if (i < 2 || i == n - 1) {
      EXPECT_TRUE(torch::equal(mine, theirs)) << "call " << i;
      continue;
    }
    const float l0 = s0.lambda;
    const float l1 = vp_point(static_cast<float>(sigmas[i - 1])).lambda;
    const float l2 = vp_point(static_cast<float>(sigmas[i - 2])).lambda;
    const VpPoint t = vp_point(static_cast<float>(sigmas[i + 1]));
    const float h = t.lambda - l0;
    const float r0 = (l0 - l1) / h;
    const float r1 = (l1 - l2) / h;
    const torch::Tensor d2 = ((x0[i] - x0[i - 1]) / r0 - (x0[i - 1] - x0[i - 2]) / r1) / (r0 + r1);
    EXPECT_LE(max_scaled_error(mine - theirs, t.alpha * d2), 1e-5) << "call " << i;
    EXPECT_GT((mine - theirs).abs().max().item<float>(), 1e-4) << "call " << i;
  }
}

}  // namespace
}  // namespace emergence
