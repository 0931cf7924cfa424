// The spectrum panel's claim measured on the trained built-in model (resources/models/emoji):
// coarse frequency bands of the clean guess settle before fine ones, on every seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "core/generation.h"
#include "core/media/spectral_track.h"
#include "core/model/unet_diffusion_model.h"
#include "rank_correlation.h"
#include "test_paths.h"

namespace emergence {
namespace {

using test::spearman;

class BuiltInModelBands : public ::testing::TestWithParam<std::string> {};

TEST_P(BuiltInModelBands, SettleFromLowToHighFrequency) {
  auto model = load_diffusion_model(test::builtin_model_dir());
  double rho_sum = 0.0;
  const std::vector<uint64_t> seeds = {1, 2, 3, 4};
  for (uint64_t seed : seeds) {
    SpectralTrack track;
    GenerationRequest request;
    request.params.sampler = GetParam();
    request.params.steps = 50;
    request.params.spacing = Spacing::Trailing;
    request.params.seed = seed;
    request.params.class_label = static_cast<int64_t>(seed % 8);
    request.params.guidance_scale = 2.0;
    request.observer = &track;
    generate(*model, request);

    const auto snap = track.snapshot();
    ASSERT_TRUE(snap->complete);
    std::vector<double> band, step;
    std::ostringstream steps;
    for (int b = 0; b < snap->num_bands(); ++b) {
      ASSERT_GE(snap->emergence[b], 0) << "band " << b << " never settled";
      band.push_back(b);
      step.push_back(snap->emergence[b]);
      steps << snap->emergence[b] << ' ';
    }
    EXPECT_LT(snap->emergence.front(), snap->emergence.back())
        << "seed " << seed << ": emergence steps " << steps.str();
    const double rho = spearman(band, step);
    rho_sum += rho;
    std::printf("[ bands ] %s seed %llu: emergence steps %s rho=%.2f\n", GetParam().c_str(),
                static_cast<unsigned long long>(seed), steps.str().c_str(), rho);
  }
  EXPECT_GE(rho_sum / seeds.size(), 0.8);
}

INSTANTIATE_TEST_SUITE_P(Samplers, BuiltInModelBands, ::testing::Values("ddim", "ddpm"));

}  // namespace
}  // namespace emergence
