// Parity with Hugging Face diffusers v0.35.2 on the recorded scheduler cases (tests/data).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/noise_schedule.h"
#include "core/noise_source.h"
#include "core/npy.h"
#include "core/sampler.h"
#include "core/samplers/sigma_sampler.h"
#include "core/sampling_loop.h"
#include "core/scheduler_config.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::data_path;
using test::max_scaled_error;

struct ReferenceCase {
  std::string name;
  SchedulerConfig config;
  torch::Tensor x_init, timesteps, alphas_cumprod, trajectory, model_inputs, model_outputs;
  torch::Tensor sigmas, noises;  // present for some cases only
  double init_noise_sigma = 1.0;
  uint64_t seed = 0;
  bool brownian_noise = false;  // noises.npy is torchsde's Brownian tree, not the seed's draws
};

ReferenceCase load_case(const std::string& name) {
  const std::string dir = "schedulers/" + name;
  const auto json = test::read_case(dir);
  ReferenceCase c;
  c.name = name;
  c.config = scheduler_config_from_json(json["config_full"]);
  c.config.sampler.steps = json["num_inference_steps"].get<int>();
  // A k-diffusion sampler run on the σ schedule of config_full (generate_kdiffusion_cases.py).
  if (json.contains("sampler")) {
    c.config.sampler.name = json["sampler"].get<std::string>();
  }
  c.brownian_noise = json.contains("noise") && json["noise"].value("source", "") == "brownian_tree";
  // A schedule handed to set_timesteps() rather than made from the config (Align Your Steps).
  if (json.contains("schedule")) {
    c.config.sampler.selection.spacing = parse_spacing(json["schedule"].get<std::string>());
  }
  if (json["step_kwargs"].contains("eta")) {
    c.config.sampler.eta = json["step_kwargs"]["eta"].get<double>();
  }
  // diffusers' own arithmetic where ours deliberately differs: DDIM's step() keeps the unclipped
  // ε̂ unless told otherwise and steps to t − T/N, its Heun corrector and DPM2 full step
  // extrapolate on large σ ratios, and its DPM++ 3M SDE weighs D2 by −1 − O(h).
  c.config.sampler.use_clipped_model_output =
      json["step_kwargs"].value("use_clipped_model_output", false);
  c.config.sampler.heun_extrapolate = true;
  c.config.sampler.dpm2_extrapolate = true;
  c.config.sampler.dpmpp_3m_diffusers_d2 = true;
  c.config.sampler.ddim_next_listed = false;
  c.init_noise_sigma = json["init_noise_sigma"].get<double>();
  c.seed = json["seed"].get<uint64_t>();
  auto load = [&](const char* file) { return read_npy(data_path(dir + "/" + file)); };
  c.x_init = load("x_init.npy");
  c.timesteps = load("timesteps.npy");
  c.alphas_cumprod = load("alphas_cumprod.npy");
  c.trajectory = load("trajectory.npy");
  c.model_inputs = load("model_inputs.npy");
  c.model_outputs = load("model_outputs.npy");
  if (FILE* f = std::fopen(data_path(dir + "/sigmas.npy").c_str(), "rb")) {
    std::fclose(f);
    c.sigmas = load("sigmas.npy");
  }
  if (FILE* f = std::fopen(data_path(dir + "/noises.npy").c_str(), "rb")) {
    std::fclose(f);
    c.noises = load("noises.npy");
  }
  return c;
}

std::vector<torch::Tensor> split_draws(const torch::Tensor& noises) {
  std::vector<torch::Tensor> draws;
  if (noises.defined()) {
    for (int64_t k = 0; k < noises.size(0); ++k) {
      draws.push_back(noises[k].clone());
    }
  }
  return draws;
}

// The recorded fake model: 0.5·tanh(x) + float32(0.001·t), evaluated in float32.
torch::Tensor fake_model(const torch::Tensor& x, double t, const Conditioning&) {
  return 0.5f * torch::tanh(x) + static_cast<float>(0.001 * t);
}

// How far the step-by-step trajectory (and so the model inputs) may drift from diffusers',
// relative to max(1, |ref|). DEIS gets twice the room: diffusers computes its coefficients in
// float32 through numpy's log (whose AVX-512 path and libm differ by an ulp now and then), each
// the difference of two values ~6× its size, so its own result carries ~1e-6 of rounding per step
// that our float64 coefficients do not share (1.6e-5 after 20 steps).
double step_tolerance(const std::string& name) { return name.rfind("deis_", 0) == 0 ? 2e-5 : 1e-5; }

class SamplerParity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { c_ = load_case(GetParam()); }
  ReferenceCase c_;
};

TEST_P(SamplerParity, TrainingScheduleMatches) {
  NoiseSchedule schedule(c_.config.training);
  EXPECT_LE(max_scaled_error(schedule.alphas_cumprod(), c_.alphas_cumprod), 1e-6);
  const double rel = ((schedule.alphas_cumprod() - c_.alphas_cumprod).abs() / c_.alphas_cumprod)
                         .max()
                         .item<double>();
  EXPECT_LE(rel, 1e-6) << "alphas_cumprod relative error";
}

TEST_P(SamplerParity, TimestepsAndSigmasMatch) {
  NoiseSchedule schedule(c_.config.training);
  auto sampler = make_sampler(schedule, c_.config.sampler);
  const auto ts = c_.timesteps.to(torch::kFloat64);
  ASSERT_EQ(sampler->num_calls(), ts.size(0));
  for (int i = 0; i < sampler->num_calls(); ++i) {
    // Integer timesteps must be equal; fractional ones (Euler/Heun Karras) agree to float32.
    const double ref = ts[i].item<double>();
    EXPECT_NEAR(sampler->timesteps()[i], ref, 1e-5 * std::max(1.0, std::abs(ref)))
        << "timestep " << i;
  }
  EXPECT_NEAR(sampler->init_noise_sigma(), c_.init_noise_sigma, 1e-6 * c_.init_noise_sigma);
  if (c_.sigmas.defined()) {
    const auto& s = sampler->state_sigmas();
    ASSERT_EQ(static_cast<int64_t>(s.size()), c_.sigmas.size(0));
    for (size_t i = 0; i < s.size(); ++i) {
      const double ref = c_.sigmas[i].item<double>();
      EXPECT_LE(std::abs(s[i] - ref), 1e-6 * std::max(ref, 1e-12)) << "sigma " << i;
    }
  }
}

TEST_P(SamplerParity, StepArithmeticMatchesRecordedOutputs) {
  NoiseSchedule schedule(c_.config.training);
  auto sampler = make_sampler(schedule, c_.config.sampler);
  ReplayNoise noise(split_draws(c_.noises));
  torch::Tensor x = c_.x_init * static_cast<float>(sampler->init_noise_sigma());
  EXPECT_LE(max_scaled_error(x, c_.trajectory[0]), 1e-6);
  double worst = 0.0;
  for (int i = 0; i < sampler->num_calls(); ++i) {
    const auto input = sampler->scale_model_input(x, i);
    EXPECT_LE(max_scaled_error(input, c_.model_inputs[i]), step_tolerance(c_.name))
        << "model input " << i;
    x = sampler->step(c_.model_outputs[i], i, x, noise).prev_sample;
    const double err = max_scaled_error(x, c_.trajectory[i + 1]);
    worst = std::max(worst, err);
    ASSERT_LE(err, step_tolerance(c_.name)) << "trajectory entry " << i + 1;
  }
  EXPECT_EQ(noise.used(), c_.noises.defined() ? static_cast<size_t>(c_.noises.size(0)) : 0u);
  RecordProperty("max_scaled_error_step", std::to_string(worst));
  std::printf("[ parity ] %s step arithmetic: max |a-b|/max(1,|ref|) = %.3g\n", c_.name.c_str(),
              worst);
}

class RawLatentRecorder : public SamplingObserver {
 public:
  explicit RawLatentRecorder(const Sampler& s) : sampler_(s) {}
  void on_frame(const StepFrame& f) override {
    // Frames carry the variance-preserving view; undo it to compare with diffusers' latents.
    const float scale =
        sampler_.variance_exploding() ? static_cast<float>(std::sqrt(f.sigma * f.sigma + 1)) : 1.f;
    latents.push_back(f.x_t * scale);
  }
  std::vector<torch::Tensor> latents;

 private:
  const Sampler& sampler_;
};

TEST_P(SamplerParity, FullLoopWithFakeModelMatches) {
  NoiseSchedule schedule(c_.config.training);
  auto sampler = make_sampler(schedule, c_.config.sampler);
  ReplayNoise noise(split_draws(c_.noises));
  RawLatentRecorder recorder(*sampler);
  SamplingRequest request;
  request.initial_noise = c_.x_init;
  request.noise = &noise;
  request.observer = &recorder;
  const SamplingResult result = run_sampling(*sampler, fake_model, request);
  ASSERT_EQ(result.outcome, SamplingOutcome::Completed);
  ASSERT_EQ(static_cast<int64_t>(recorder.latents.size()), c_.trajectory.size(0));
  double worst = 0.0;
  for (size_t k = 0; k < recorder.latents.size(); ++k) {
    worst = std::max(worst, max_scaled_error(recorder.latents[k], c_.trajectory[k]));
  }
  EXPECT_LE(worst, 1e-4);
  EXPECT_LE(max_scaled_error(result.latent, c_.trajectory[-1]), 1e-4);
  std::printf("[ parity ] %s full loop: max |a-b|/max(1,|ref|) = %.3g\n", c_.name.c_str(), worst);
}

TEST_P(SamplerParity, SeededGeneratorReproducesRecordedDraws) {
  // diffusers drew x_init (and then every step noise) from torch.Generator().manual_seed(seed).
  SeededNoise noise(c_.seed);
  EXPECT_TRUE(torch::equal(noise.draw(c_.x_init.sizes()), c_.x_init));
  if (c_.noises.defined() && !c_.brownian_noise) {
    for (int64_t k = 0; k < c_.noises.size(0); ++k) {
      EXPECT_TRUE(torch::equal(noise.draw(c_.x_init.sizes()), c_.noises[k])) << "draw " << k;
    }
  }
}

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

INSTANTIATE_TEST_SUITE_P(
    Diffusers, SamplerParity,
    ::testing::Values(
        "ddim_linear_eps_leading_50", "ddim_cosine_vpred_20", "ddpm_linear_25",
        "euler_scaled_linear_30", "heun_linear_10", "dpmsolver_pp2m_linear_20",
        // tests/data/generate_scheduler_cases.py
        "dpmsolver_pp2m_karras_scaled_linear_15", "dpmsolver_pp2m_karras_cosine_vpred_12",
        "euler_karras_scaled_linear_20", "heun_karras_scaled_linear_8",
        "ddim_trailing_scaled_linear_30", "ddim_trailing_cosine_vpred_clip_30",
        "ddim_linspace_linear_30", "euler_exponential_scaled_linear_20",
        "euler_beta_scaled_linear_20", "heun_beta_scaled_linear_8",
        "dpmsolver_pp2m_exponential_scaled_linear_15", "dpmsolver_pp2m_beta_scaled_linear_15",
        "dpmsolver_pp2m_exponential_cosine_vpred_12", "euler_ays_scaled_linear_10",
        "unipc_bh2_scaled_linear_20", "unipc_bh2_karras_scaled_linear_15",
        "unipc_bh2_trailing_cosine_vpred_12", "unipc_bh1_sigma_min_scaled_linear_20",
        "unipc_bh1_3_sigma_min_karras_scaled_linear_15", "unipc_bh2_3_leading_scaled_linear_25",
        "dpmsolver_sde_pp2m_scaled_linear_20", "dpmsolver_sde_pp2m_karras_scaled_linear_15",
        "dpmsolver_sde_pp2m_heun_karras_scaled_linear_15",
        "dpmsolver_sde_pp2m_heun_trailing_cosine_vpred_12", "lms_scaled_linear_30",
        "lms_karras_scaled_linear_20", "lms_cosine_vpred_15", "kdpm2_scaled_linear_15",
        "kdpm2_karras_scaled_linear_10", "kdpm2_leading_cosine_vpred_10",
        "kdpm2_a_scaled_linear_15", "kdpm2_a_karras_scaled_linear_10",
        "kdpm2_a_leading_cosine_vpred_20", "deis_scaled_linear_20", "deis_karras_scaled_linear_12",
        "deis_trailing_cosine_vpred_12", "dpmsolver_sde_pp3m_scaled_linear_16",
        "dpmsolver_sde_pp3m_karras_scaled_linear_15", "dpmsolver_sde_pp3m_trailing_cosine_vpred_12",
        "lcm_scaled_linear_4", "lcm_scaled_linear_8", "lcm_original_100_cosine_vpred_10",
        "dpmsolver_sde_scaled_linear_10", "dpmsolver_sde_karras_scaled_linear_10",
        "dpmsolver_sde_leading_cosine_vpred_20",
        // tests/data/generate_kdiffusion_cases.py
        "kdiffusion_dpmpp_2s_a_karras_scaled_linear_10",
        "kdiffusion_dpmpp_2s_a_exponential_scaled_linear_10",
        "kdiffusion_dpmpp_2s_a_karras_scaled_linear_vpred_12"));

}  // namespace
}  // namespace emergence
