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
#include "spectrum_fields.h"

namespace emergence {
namespace {

// Ranks 1…n with ties given their mean rank.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) {
      ++j;
    }
    for (size_t k = i; k <= j; ++k) {
      r[order[k]] = (i + j) / 2.0 + 1.0;
    }
    i = j + 1;
  }
  return r;
}

// Spearman's ρ: Pearson correlation of the ranks.
double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / ra.size();
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / rb.size();
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (size_t i = 0; i < ra.size(); ++i) {
    ab += (ra[i] - ma) * (rb[i] - mb);
    aa += (ra[i] - ma) * (ra[i] - ma);
    bb += (rb[i] - mb) * (rb[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

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
