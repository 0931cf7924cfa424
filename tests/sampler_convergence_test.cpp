// More compute must buy a better image: on the trained built-in model (resources/models/emoji),
// with the sampling defaults the app gives it (its own sampler and spacing, guidance 3), every
// deterministic sampler converges as its steps grow, and no sampler ends in saturated noise.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/generation.h"
#include "core/model/unet_diffusion_model.h"
#include "test_paths.h"

namespace emergence {
namespace {

// The guidance the app starts a class-conditional model with (ui/main_window's first-open rule).
constexpr double kAppGuidance = 3.0;

DiffusionModel& builtin_model() {
  static std::shared_ptr<DiffusionModel> model = load_diffusion_model(test::builtin_model_dir());
  return *model;
}

GenerationParams app_defaults(const std::string& sampler, int steps, uint64_t seed) {
  const ModelInfo& info = builtin_model().info();
  GenerationParams p;
  p.sampler = sampler;
  p.steps = steps;
  p.spacing = info.scheduler.sampler.selection.spacing;
  p.seed = seed;
  p.class_label = static_cast<int64_t>(seed % info.class_names.size());
  p.guidance_scale = kAppGuidance;
  return p;
}

// The raw final latent, before the exporters clamp it to [−1, 1].
torch::Tensor final_latent(const std::string& sampler, int steps, uint64_t seed,
                           bool diffusers_exact = false) {
  GenerationRequest request;
  request.params = app_defaults(sampler, steps, seed);
  request.params.diffusers_exact = diffusers_exact;
  return generate(builtin_model(), request).latent;
}

// Mean absolute difference of two displayed images, in 8-bit levels (0–255).
double mean_level_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor da = a.clamp(-1, 1), db = b.clamp(-1, 1);
  return (da - db).abs().mean().item<double>() * 127.5;
}

// Saturated noise, told from an emoji by what the broken samplers made (DDIM with the
// unclipped ε̂ at 400–1000 steps, diffusers' Heun at 30, diffusers' DPM++ 3M SDE at 1000):
// neighbouring pixels jump by ~0.3 of the range on average (good samples: 0.10–0.14), or black
// pixels fill several % of the image (2.3 % for that DPM++ 3M SDE; good samples: none). Pixels,
// not channel values: the yellow of an emoji face has its blue channel at 0 (1 % of the values
// of a clean DPM++ SDE image).
struct Saturation {
  double roughness;    // mean |difference| of neighbouring values, image range [−1, 1] → [0, 2]
  double black_share;  // share of pixels within 2 8-bit levels of black in every channel
};

Saturation saturation_of(const torch::Tensor& latent) {
  const torch::Tensor img = latent.clamp(-1, 1);
  const double dx = (img.slice(3, 1) - img.slice(3, 0, -1)).abs().mean().item<double>();
  const double dy = (img.slice(2, 1) - img.slice(2, 0, -1)).abs().mean().item<double>();
  const torch::Tensor black = std::get<0>(img.max(/*dim=*/1)) <= -0.98;  // [N, H, W]
  return {(dx + dy) / 2, black.to(torch::kFloat32).mean().item<double>()};
}

bool deterministic(const std::string& sampler) {
  const ModelInfo& info = builtin_model().info();
  const NoiseSchedule schedule(info.scheduler.training);
  return !make_sampler(schedule, sampler_settings_for(info, app_defaults(sampler, 30, 1)))
              ->stochastic();
}

class BuiltInModelSampler : public ::testing::TestWithParam<std::string> {};

// 30 to 1000 steps never end in saturated noise, and a deterministic sampler (an ODE solver)
// converges: 100 and 400 steps land on the same image, within a few 8-bit levels.
TEST_P(BuiltInModelSampler, MoreStepsConvergeAndNeverSaturate) {
  const std::string& sampler = GetParam();
  const uint64_t seed = 1;
  std::map<int, torch::Tensor> image;
  for (int steps : {30, 100, 400, 1000}) {
    image[steps] = final_latent(sampler, steps, seed);
    const Saturation sat = saturation_of(image[steps]);
    std::printf("[ saturation ] %s %4d steps: roughness %.3f, black %.2f %%\n", sampler.c_str(),
                steps, sat.roughness, sat.black_share * 100.0);
    EXPECT_LT(sat.roughness, 0.2) << sampler << " at " << steps << " steps";
    EXPECT_LT(sat.black_share, 0.01) << sampler << " at " << steps << " steps";
  }
  if (deterministic(sampler)) {
    const double diff = mean_level_difference(image[100], image[400]);
    std::printf("[ converge ] %s: |x(100) - x(400)| = %.2f levels, |x(30) - x(400)| = %.2f\n",
                sampler.c_str(), diff, mean_level_difference(image[30], image[400]));
    EXPECT_LT(diff, 3.0) << sampler;
  }
}

// Why our DDIM differs from diffusers': with the unclipped ε̂ after clipping x̂0, a step's error
// does not shrink with the step, so at guidance 3 more steps drift away (to saturated noise by
// 400 steps) instead of converging.
TEST(BuiltInModelDiffusersDdim, UnclippedNoiseDoesNotConverge) {
  const torch::Tensor a = final_latent("ddim", 100, 1, /*diffusers_exact=*/true);
  const torch::Tensor b = final_latent("ddim", 400, 1, /*diffusers_exact=*/true);
  const double diff = mean_level_difference(a, b);
  std::printf(
      "[ converge ] diffusers' ddim: |x(100) - x(400)| = %.2f levels, roughness at 400 "
      "steps %.3f\n",
      diff, saturation_of(b).roughness);
  EXPECT_GT(diff, 20.0);
}

// The black-pixel criterion above catches what it is for: diffusers' DPM++ 3M SDE, whose D2
// weight tends to −1, fills the built-in model's image with black by 1000 steps.
TEST(BuiltInModelDiffusers3mSde, FillsWithBlackPixels) {
  const Saturation sat =
      saturation_of(final_latent("dpmpp_3m_sde", 1000, 1, /*diffusers_exact=*/true));
  std::printf("[ saturation ] diffusers' dpmpp_3m_sde 1000 steps: black %.2f %%\n",
              sat.black_share * 100.0);
  EXPECT_GT(sat.black_share, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Defaults, BuiltInModelSampler, ::testing::ValuesIn(sampler_names()));

}  // namespace
}  // namespace emergence
