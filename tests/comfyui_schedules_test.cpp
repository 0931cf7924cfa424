// Our schedules against ComfyUI's own outputs (tests/data/comfyui_schedules).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/beta_distribution.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/sampler.h"
#include "core/timestep_spacing.h"
#include "test_support.h"

namespace emergence {
namespace {

using test::cosine_schedule;
using test::sd_schedule;

// ComfyUI's own functions, run on diffusers' training σ (tests/data/comfyui_schedules, made by
// generate_comfyui_schedules.py): simple, sgm_uniform, normal, ddim_uniform, kl_optimal and its
// k-diffusion karras and exponential are ours to float32 rounding; its beta rounds to training
// steps (ours is diffusers' continuous one); its AYS node, fed the published table, is ours.
TEST(ComfyUiSchedules, MatchComfyUiOutputs) {
  const auto json = read_json_file(test::data_path("comfyui_schedules/sigmas.json"));
  int compared = 0;
  std::map<std::string, double> worst;  // per schedule and σ table, over the cases compared
  for (const auto& c : json["cases"]) {
    const std::string name = c["scheduler"].get<std::string>();
    const int steps = c["steps"].get<int>();
    const std::string training = c["training"].get<std::string>();
    const NoiseSchedule s = training == "squaredcos_cap_v2" ? cosine_schedule() : sd_schedule();
    std::vector<double> reference;
    for (const auto& v : c["sigmas"]) {
      reference.push_back(v.is_null() ? NAN : v.get<double>());
    }
    reference.pop_back();  // the final 0
    StepSelection sel;
    sel.spacing = parse_spacing(name);
    const std::string label = name + " " + training + " " + std::to_string(steps);
    if (name == "beta") {
      // ComfyUI: σ at rint(ppf(1 − i/N)·(T−1)), i < N, each step once.
      std::vector<double> expected;
      double last = -1;
      for (int i = 0; i < steps; ++i) {
        const double t = std::nearbyint(beta_quantile(1.0 - i * (1.0 / steps), 0.6, 0.6) * 999.0);
        if (t != last) {
          expected.push_back(s.sigma(static_cast<int>(t)));
        }
        last = t;
      }
      EXPECT_EQ(expected, reference) << label;
      continue;
    }
    if (static_cast<int>(reference.size()) != steps) {  // ddim_uniform where T mod N > 1
      EXPECT_EQ(name, "ddim_uniform");
      EXPECT_THROW(select_timesteps(s, sel, steps), Error) << label;
      continue;
    }
    if (name == "kl_optimal" && steps == 1) {  // ComfyUI divides by N − 1
      EXPECT_TRUE(std::isnan(reference[0]));
      EXPECT_NEAR(schedule_sigmas(s, sel, 1)[0], s.sigma(999), 1e-11 * s.sigma(999));
      continue;
    }
    std::vector<double> ours;
    if (defines_sigmas(sel.spacing)) {
      ours = schedule_sigmas(s, sel, steps);
    } else {
      for (double t : select_timesteps(s, sel, steps)) {
        ours.push_back(s.sigma_at(t));
      }
    }
    const bool published = c.value("ays_table", "") != "comfyui_sd1";
    ASSERT_EQ(ours.size(), reference.size()) << label;
    for (size_t i = 0; i < ours.size(); ++i) {
      // ComfyUI computes in float32 tensors: a few float32 ulps, and kl_optimal's tan of a float32
      // angle next to π/2 is off by up to (1 + σ²)·ulp(π/2)/2, 0.1% at the cosine σ_max of 20291.
      // Its SD 1.5 AYS table has more digits than the published one (0.0291671582 for 0.029).
      double tolerance = defines_sigmas(sel.spacing) ? 5e-6 * reference[i] : 0.0;
      if (sel.spacing == Spacing::KlOptimal) {
        tolerance += 6e-8 * (1.0 + reference[i] * reference[i]);
      }
      if (!published) {
        tolerance = 6e-3 * reference[i];
      }
      const double error = std::abs(ours[i] - reference[i]);
      EXPECT_LE(error, tolerance) << label << " σ " << i << ": " << ours[i] << " vs "
                                  << reference[i];
      const std::string key = name + (published ? " " : " (ComfyUI's table) ") + training;
      worst[key] = std::max(worst[key], error / reference[i]);
    }
    ++compared;
  }
  EXPECT_GE(compared, 80);
  for (const auto& [key, error] : worst) {
    std::printf("[ parity ] ComfyUI %s: max relative σ difference %.3g\n", key.c_str(), error);
  }
}

}  // namespace
}  // namespace emergence
