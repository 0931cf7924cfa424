// The claim the spectrum panel illustrates, measured on full sampling runs: coarse bands settle
// before fine ones. The denoiser is the exact posterior mean for a Gaussian 1/f² image prior
// (tests/spectrum_fields.h), so this measures the noise schedule and the physics of power-law
// spectra alone; tests/spectrum_builtin_model_test.cpp measures the trained built-in model.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "core/media/spectral_track.h"
#include "core/sampler.h"
#include "rank_correlation.h"
#include "spectrum_fields.h"

namespace emergence {
namespace {

using test::spearman;

TEST(SpectrumSanity, SpearmanOfKnownOrders) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 45}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(spearman({1, 2, 3}, {5, 5, 9}), 0.8660254, 1e-6);
}

struct EmergenceRun {
  std::string sampler;
  int size;
};

class BandEmergence : public ::testing::TestWithParam<EmergenceRun> {};

TEST_P(BandEmergence, RisesWithFrequency) {
  const EmergenceRun run = GetParam();
  const int channels = 3;
  const NoiseSchedule schedule{TrainingScheduleConfig{}};  // linear β, 1000 steps (DDPM)
  SamplerSettings settings;
  settings.name = run.sampler;
  settings.steps = 50;
  const DenoiseFn oracle = test::gaussian_prior_oracle(schedule, run.size, 2.0, 0.25);

  double spearman_sum = 0.0;
  const std::vector<uint64_t> seeds = {1, 2, 3, 4};
  for (uint64_t seed : seeds) {
    auto sampler = make_sampler(schedule, settings);
    SeededNoise noise(seed);
    SpectralTrack track;
    SamplingRequest request;
    request.initial_noise = noise.draw({1, channels, run.size, run.size});
    request.noise = &noise;
    request.observer = &track;
    run_sampling(*sampler, oracle, request);

    const auto snap = track.snapshot();
    ASSERT_TRUE(snap->complete);
    std::vector<double> band_index, step;
    std::ostringstream steps;
    for (int b = 0; b < snap->num_bands(); ++b) {
      ASSERT_GE(snap->emergence[b], 0) << "band " << b << " never settled";
      band_index.push_back(b);
      step.push_back(snap->emergence[b]);
      steps << snap->emergence[b] << ' ';
    }
    EXPECT_LT(snap->emergence.front(), snap->emergence.back())
        << "seed " << seed << ": emergence steps " << steps.str();
    const double rho = spearman(band_index, step);
    spearman_sum += rho;
    RecordProperty("seed_" + std::to_string(seed), steps.str() + "rho=" + std::to_string(rho));
  }
  EXPECT_GE(spearman_sum / seeds.size(), 0.8);
}

INSTANTIATE_TEST_SUITE_P(StochasticSamplers, BandEmergence,
                         ::testing::Values(EmergenceRun{"ddpm", 64}, EmergenceRun{"ddpm", 16},
                                           EmergenceRun{"euler_a", 32}),
                         [](const auto& info) {
                           return info.param.sampler + "_" + std::to_string(info.param.size);
                         });

}  // namespace
}  // namespace emergence
