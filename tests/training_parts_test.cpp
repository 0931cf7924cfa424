// The trainer's parts on their own: the loss and its weights, EMA, shift augmentation, the
// options a checkpoint stores, and the sample metrics (precision, recall, memorisation).
#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/prediction.h"
#include "core/training/diffusion_loss.h"
#include "core/training/ema_weights.h"
#include "core/training/sample_metrics.h"
#include "core/training/shift_augment.h"
#include "core/training/trainer_options.h"

namespace emergence {
namespace {

TEST(DiffusionLoss, MinSnrWeightsForVPrediction) {
  // SNR = ᾱ/(1−ᾱ): ᾱ = 0.5 → SNR 1 → weight 1/2; ᾱ = 10/11 → SNR 10 → min(10, 5)/11.
  const auto w = min_snr_v_weights(torch::tensor({0.5f, 10.0f / 11.0f}), 5.0);
  EXPECT_NEAR(w[0].item<float>(), 0.5f, 1e-6f);
  EXPECT_NEAR(w[1].item<float>(), 5.0f / 11.0f, 1e-5f);
}

TEST(DiffusionLoss, VelocityTargetMatchesTheSamplersInverse) {
  torch::manual_seed(1);
  const auto x0 = torch::randn({2, 3, 4, 4});
  const auto eps = torch::randn({2, 3, 4, 4});
  const float ac = 0.3f;
  const auto x_t = std::sqrt(ac) * x0 + std::sqrt(1 - ac) * eps;
  const auto v = velocity_target(x0, eps, torch::tensor(ac));
  const CleanAndNoise split = split_vp(x_t, v, ac, PredictionType::VPrediction);
  EXPECT_TRUE(torch::allclose(split.x0, x0, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(split.eps, eps, 1e-4, 1e-5));
}

TEST(EmaWeights, WarmUpDecayThenAverages) {
  torch::nn::Linear layer(2, 1);
  EmaWeights ema(*layer, 0.999);
  const auto before = layer->weight.detach().clone();
  {
    torch::NoGradGuard no_grad;
    layer->weight.add_(1.0);
  }
  // First update: decay (1+0)/(10+0) = 0.1, so the average moves 90 % of the way.
  EXPECT_NEAR(ema.update(*layer), 0.1, 1e-12);
  torch::nn::Linear copy(2, 1);
  ema.copy_to(*copy);
  EXPECT_TRUE(torch::allclose(copy->weight, before + 0.9, 1e-6, 1e-6));
}

TEST(ShiftAugment, MovesByWholePixelsAndReplicatesEdges) {
  auto gen = at::detail::createCPUGenerator(3);
  const auto image = torch::arange(16, torch::kFloat32).view({1, 1, 4, 4}).repeat({64, 1, 1, 1});
  const auto shifted = random_shift(image, 1, gen);
  ASSERT_EQ(shifted.sizes(), image.sizes());
  // Every result is the image shifted by (dy, dx) ∈ [−1, 1]² with clamped (replicated) indices.
  int distinct = 0;
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) {
      auto rows = torch::clamp(torch::arange(4) + dy, 0, 3);
      auto cols = torch::clamp(torch::arange(4) + dx, 0, 3);
      const auto expected = image[0].index_select(1, rows).index_select(2, cols);
      bool seen = false;
      for (int i = 0; i < 64; ++i) {
        seen = seen || torch::equal(shifted[i], expected);
      }
      distinct += seen;
    }
  }
  EXPECT_GE(distinct, 5);
  for (int i = 0; i < 64; ++i) {
    bool matched = false;
    for (int dy = -1; dy <= 1 && !matched; ++dy) {
      for (int dx = -1; dx <= 1 && !matched; ++dx) {
        auto rows = torch::clamp(torch::arange(4) + dy, 0, 3);
        auto cols = torch::clamp(torch::arange(4) + dx, 0, 3);
        matched = torch::equal(shifted[i], image[0].index_select(1, rows).index_select(2, cols));
      }
    }
    EXPECT_TRUE(matched) << "sample " << i << " is not a whole-pixel shift of the input";
  }
}

// A checkpoint's options are read like any hostile JSON: each value checked as the type it
// becomes, a message naming the option (issue 17, item 2), and a valid set read back exactly.
TEST(TrainerOptionsJson, ValuesAreCheckedAsTheirTypes) {
  TrainerOptions options;
  options.steps = 1234;
  options.seed = 18446744073709551615ull;
  const nlohmann::json good = to_json(options);
  const TrainerOptions back = trainer_options_from_json(good);
  EXPECT_EQ(back.steps, 1234);
  EXPECT_EQ(back.seed, options.seed);
  const auto error_of = [](const nlohmann::json& j) -> std::string {
    try {
      trainer_options_from_json(j);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, nlohmann::json>>{{"batch_size", 1e20},
                                                           {"steps", -5},
                                                           {"seed", -1.5},
                                                           {"max_shift", "2"},
                                                           {"learning_rate", true}}) {
    nlohmann::json bad = good;
    bad[key] = value;
    EXPECT_NE(error_of(bad).find("'" + key + "'"), std::string::npos)
        << key << ": " << error_of(bad);
  }
  nlohmann::json missing = good;
  missing.erase("grad_clip");
  EXPECT_NE(error_of(missing).find("lack 'grad_clip'"), std::string::npos) << error_of(missing);
  EXPECT_NE(error_of(nlohmann::json::array()).find("not a JSON object"), std::string::npos);
}

TEST(SampleMetrics, PrecisionRecallOfCopiesAndOfStrangers) {
  torch::manual_seed(2);
  const auto real = torch::randn({40, 3, 4, 4});
  const PrecisionRecall same = precision_recall(real, real.clone(), 3);
  EXPECT_DOUBLE_EQ(same.precision, 1.0);
  EXPECT_DOUBLE_EQ(same.recall, 1.0);
  const PrecisionRecall far = precision_recall(real, real + 100.0, 3);
  EXPECT_DOUBLE_EQ(far.precision, 0.0);
  EXPECT_DOUBLE_EQ(far.recall, 0.0);
  // Samples covering only half of the data: all precise, about half the recall.
  const PrecisionRecall half = precision_recall(real, real.slice(0, 0, 20), 3);
  EXPECT_DOUBLE_EQ(half.precision, 1.0);
  EXPECT_LT(half.recall, 0.9);
  EXPECT_THROW(precision_recall(real, real.slice(0, 0, 3), 3), Error);
}

TEST(SampleMetrics, MemorizationCountsNearCopies) {
  torch::manual_seed(3);
  const auto training = torch::randn({60, 3, 4, 4});
  const auto copies = training.slice(0, 0, 10) + 0.01 * torch::randn({10, 3, 4, 4});
  EXPECT_DOUBLE_EQ(memorization_rate(training, copies), 1.0);
  EXPECT_DOUBLE_EQ(memorization_rate(training, torch::randn({10, 3, 4, 4})), 0.0);
}

TEST(SampleMetrics, NearestNeighboursAreSortedAndExact) {
  torch::manual_seed(4);
  const auto set = torch::randn({30, 3, 4, 4});
  const Neighbours nn = nearest_neighbours(set, set.slice(0, 7, 8), 3);
  EXPECT_EQ(nn.indices[0][0].item<int64_t>(), 7);
  EXPECT_FLOAT_EQ(nn.distances[0][0].item<float>(), 0.0f);
  EXPECT_LE(nn.distances[0][1].item<float>(), nn.distances[0][2].item<float>());
  EXPECT_THROW(nearest_neighbours(set, set.slice(0, 0, 1), 31), Error);
}

}  // namespace
}  // namespace emergence
