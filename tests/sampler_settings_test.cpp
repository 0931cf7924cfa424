// Sampler behaviour beyond the reference cases: every sampler × prediction type with an oracle
// denoiser, determinism, cancellation, NaN handling and parameter errors.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "core/error.h"
#include "core/sampler.h"
#include "core/sampling_loop.h"

namespace emergence {
namespace {

// The exact denoiser for a data set of one image: it knows x*, so ε, v and x0 follow from x_t.
DenoiseFn oracle(const NoiseSchedule& schedule, const torch::Tensor& target, PredictionType type) {
  return [&schedule, target, type](const torch::Tensor& x_in, double t, const Conditioning&) {
    const double sigma = schedule.sigma_at(t);
    const float a = static_cast<float>(std::sqrt(1.0 / (1.0 + sigma * sigma)));
    const float b = static_cast<float>(std::sqrt(sigma * sigma / (1.0 + sigma * sigma)));
    const torch::Tensor eps = (x_in - a * target) / b;
    switch (type) {
      case PredictionType::Epsilon:
        return eps;
      case PredictionType::VPrediction:
        return a * eps - b * target;
      case PredictionType::Sample:
        return target;
    }
    return eps;
  };
}

struct Combo {
  std::string sampler;
  PredictionType prediction;
};

class EverySamplerAndPrediction : public ::testing::TestWithParam<Combo> {};

TEST_P(EverySamplerAndPrediction, OracleDenoiserLandsOnTheTarget) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.name = GetParam().sampler;
  settings.prediction = GetParam().prediction;
  settings.steps = 12;
  auto sampler = make_sampler(schedule, settings);
  const torch::Tensor target = torch::linspace(-0.9, 0.9, 3 * 8 * 8).reshape({1, 3, 8, 8});
  SeededNoise noise(7);
  SamplingRequest request;
  request.initial_noise = noise.draw({1, 3, 8, 8});
  request.noise = &noise;
  const auto result =
      run_sampling(*sampler, oracle(schedule, target, settings.prediction), request);
  EXPECT_EQ(result.calls_done, sampler->num_calls());
  // DEIS ends at σ(0) rather than 0, so its latent keeps that much of the noise.
  const double final_sigma = sampler->state_sigmas().back();
  EXPECT_LT((result.latent - target).abs().max().item<float>(), 2e-3 + 4 * final_sigma);
}

std::vector<Combo> all_combos() {
  std::vector<Combo> combos;
  for (const auto& name : sampler_names()) {
    for (auto p : {PredictionType::Epsilon, PredictionType::VPrediction, PredictionType::Sample}) {
      combos.push_back({name, p});
    }
  }
  return combos;
}

INSTANTIATE_TEST_SUITE_P(All, EverySamplerAndPrediction, ::testing::ValuesIn(all_combos()),
                         [](const auto& info) {
                           return info.param.sampler + "_" + to_string(info.param.prediction);
                         });

torch::Tensor squash(const torch::Tensor& x, double t, const Conditioning&) {
  return 0.5f * torch::tanh(x) + static_cast<float>(0.001 * t);
}

torch::Tensor run_seeded(const std::string& name, uint64_t seed) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.name = name;
  settings.steps = 15;
  settings.eta = 0.5;
  auto sampler = make_sampler(schedule, settings);
  SeededNoise noise(seed);
  SamplingRequest request;
  request.initial_noise = noise.draw({2, 3, 64, 64});
  request.noise = &noise;
  return run_sampling(*sampler, squash, request).latent;
}

TEST(Determinism, SameSeedSameResultForAnyThreadCount) {
  const int threads = at::get_num_threads();
  for (const auto& name : sampler_names()) {
    at::set_num_threads(1);
    const auto one = run_seeded(name, 42);
    at::set_num_threads(2);
    const auto two = run_seeded(name, 42);
    const auto again = run_seeded(name, 42);
    EXPECT_TRUE(torch::equal(one, two)) << name;
    EXPECT_TRUE(torch::equal(two, again)) << name;
  }
  at::set_num_threads(threads);
  EXPECT_FALSE(torch::equal(run_seeded("euler_a", 1), run_seeded("euler_a", 2)));
}

class FrameCounter : public SamplingObserver {
 public:
  FrameCounter(std::atomic<bool>* cancel, int cancel_after)
      : cancel_(cancel), after_(cancel_after) {}
  void on_frame(const StepFrame& f) override {
    frames.push_back(f);
    if (cancel_ != nullptr && f.index == after_) {
      cancel_->store(true);
    }
  }
  std::vector<StepFrame> frames;

 private:
  std::atomic<bool>* cancel_;
  int after_;
};

TEST(SamplingLoop, FramesCarryEveryViewAndSigmasFall) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.steps = 10;
  auto sampler = make_sampler(schedule, settings);
  FrameCounter counter(nullptr, -1);
  SamplingRequest request;
  request.initial_noise = torch::randn({1, 3, 8, 8});
  request.observer = &counter;
  run_sampling(*sampler, squash, request);
  ASSERT_EQ(counter.frames.size(), 11u);
  for (size_t k = 0; k < counter.frames.size(); ++k) {
    const auto& f = counter.frames[k];
    EXPECT_EQ(f.index, static_cast<int>(k));
    EXPECT_EQ(f.total, 10);
    for (const auto* t : {&f.x_t, &f.x0, &f.eps, &f.delta}) {
      ASSERT_TRUE(t->defined());
      EXPECT_EQ(t->sizes(), request.initial_noise.sizes());
    }
    if (k > 0) {
      EXPECT_LT(f.sigma, counter.frames[k - 1].sigma);
      EXPECT_TRUE(torch::allclose(f.delta, f.x_t - counter.frames[k - 1].x_t));
    }
  }
  EXPECT_EQ(counter.frames.back().sigma, 0.0);
}

TEST(SamplingLoop, CancelStopsWithinOneStep) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.steps = 50;
  auto sampler = make_sampler(schedule, settings);
  std::atomic<bool> cancel{false};
  FrameCounter counter(&cancel, 3);
  SamplingRequest request;
  request.initial_noise = torch::randn({1, 3, 8, 8});
  request.observer = &counter;
  request.cancel = &cancel;
  const auto result = run_sampling(*sampler, squash, request);
  EXPECT_EQ(result.outcome, SamplingOutcome::Cancelled);
  EXPECT_EQ(result.calls_done, 3);
  EXPECT_EQ(counter.frames.size(), 4u);
  EXPECT_TRUE(torch::equal(result.latent, counter.frames.back().x_t));
}

TEST(SamplingLoop, NanOutputIsAnErrorNamingTheStep) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.steps = 10;
  auto sampler = make_sampler(schedule, settings);
  int calls = 0;
  DenoiseFn broken = [&](const torch::Tensor& x, double, const Conditioning&) {
    return ++calls == 3 ? torch::full_like(x, NAN) : torch::zeros_like(x);
  };
  FrameCounter counter(nullptr, -1);
  SamplingRequest request;
  request.initial_noise = torch::randn({1, 3, 8, 8});
  request.observer = &counter;
  try {
    run_sampling(*sampler, broken, request);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NaN or infinite at step 3 of 10"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(counter.frames.size(), 3u);  // the initial noise and two good steps survive
}

std::string error_of(const SamplerSettings& s) {
  try {
    make_sampler(NoiseSchedule(TrainingScheduleConfig{}), s);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SamplerSettings, BadParametersGetClearErrors) {
  SamplerSettings s;
  s.steps = 0;
  EXPECT_EQ(error_of(s), "steps must be in [1, 1000] (got 0)");
  s = {};
  s.name = "plms";
  EXPECT_NE(error_of(s).find("unknown sampler 'plms'"), std::string::npos);
  s = {};
  s.eta = -0.1;
  EXPECT_NE(error_of(s).find("eta must be in [0, 1]"), std::string::npos);
  s = {};
  s.name = "dpmpp_2m";
  s.selection.spacing = Spacing::Linspace;
  s.steps = 1000;  // N+1 points over 1000 timesteps must repeat one
  const std::string m = error_of(s);
  EXPECT_NE(m.find("steps must be in [1, "), std::string::npos) << m;
  EXPECT_NE(m.find("linspace"), std::string::npos) << m;
  s = {};
  s.name = "ddpm";
  s.steps = 1000;
  EXPECT_EQ(error_of(s), "no error");
}

TEST(SamplingLoop, StochasticSamplerWithoutNoiseSourceIsAnError) {
  NoiseSchedule schedule(TrainingScheduleConfig{});
  SamplerSettings settings;
  settings.name = "ddpm";
  auto sampler = make_sampler(schedule, settings);
  SamplingRequest request;
  request.initial_noise = torch::randn({1, 3, 8, 8});
  EXPECT_THROW(run_sampling(*sampler, squash, request), Error);
}

}  // namespace
}  // namespace emergence
