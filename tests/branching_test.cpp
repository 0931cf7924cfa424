// Branches, variations and fan-outs on the built-in model: an unchanged branch is its parent bit
// for bit, a new seed shares the frames up to the branch step and differs after, another sampler
// restarts from the parent's latent, and the fan-out's spread shrinks as the branch step moves on.
#include "core/branching.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/fanout_command.h"
#include "app/generate_command.h"
#include "app/variations_command.h"
#include "core/error.h"
#include "core/generation.h"
#include "core/media/fan_out.h"
#include "core/media/image_file.h"
#include "core/model/unet_diffusion_model.h"
#include "core/npy.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

class FrameRecorder : public SamplingObserver {
 public:
  void on_frame(const StepFrame& frame) override {
    EXPECT_EQ(frame.index, static_cast<int>(x_t.size())) << "frames arrive in order";
    x_t.push_back(frame.x_t.clone());
    totals.push_back(frame.total);
  }
  std::vector<torch::Tensor> x_t;
  std::vector<int> totals;
};

class Branching : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = load_diffusion_model(test::builtin_model_dir()); }
  static void TearDownTestSuite() { model_.reset(); }

  static GenerationParams params(const std::string& sampler, int steps, uint64_t seed = 3) {
    GenerationParams p;
    p.sampler = sampler;
    p.steps = steps;
    p.spacing = model_->info().scheduler.sampler.selection.spacing;
    p.seed = seed;
    p.class_label = 1;
    p.guidance_scale = 2.0;
    p.model_hash = model_->info().hash;
    return p;
  }

  struct Run {
    SamplingResult result;
    FrameRecorder frames;
  };
  static std::unique_ptr<Run> run(const GenerationParams& p) {
    auto r = std::make_unique<Run>();
    GenerationRequest request;
    request.params = p;
    request.observer = &r->frames;
    r->result = generate(*model_, request);
    return r;
  }

  static std::shared_ptr<DiffusionModel> model_;
};
std::shared_ptr<DiffusionModel> Branching::model_;

TEST_F(Branching, UnchangedBranchIsTheParentBitForBit) {
  // One-step, multistep, two-call and stochastic samplers: the branch keeps the sampler's state.
  for (const std::string sampler : {"ddim", "dpmpp_2m", "heun", "euler_a"}) {
    SCOPED_TRACE(sampler);
    const GenerationParams parent = params(sampler, 8);
    const auto a = run(parent);
    const auto b = run(branch_of(parent, 4));
    ASSERT_EQ(a->frames.x_t.size(), b->frames.x_t.size());
    for (size_t i = 0; i < a->frames.x_t.size(); ++i) {
      EXPECT_TRUE(torch::equal(a->frames.x_t[i], b->frames.x_t[i])) << "frame " << i;
    }
    EXPECT_TRUE(torch::equal(a->result.latent, b->result.latent));
  }
}

TEST_F(Branching, NewSeedSharesTheFramesUpToTheBranchAndDiffersAfter) {
  const GenerationParams parent = params("euler_a", 10);
  GenerationParams branch = branch_of(parent, 4);
  branch.seed = 99;
  const auto a = run(parent);
  const auto b = run(branch);
  ASSERT_EQ(b->frames.x_t.size(), 11u);
  for (int i = 0; i <= 4; ++i) {
    EXPECT_TRUE(torch::equal(a->frames.x_t[i], b->frames.x_t[i])) << "frame " << i;
  }
  for (int i = 5; i <= 10; ++i) {
    EXPECT_FALSE(torch::equal(a->frames.x_t[i], b->frames.x_t[i])) << "frame " << i;
  }
}

TEST_F(Branching, GuidanceChangesOnlyTheStepsAfterTheBranch) {
  const GenerationParams parent = params("dpmpp_2m", 10);
  GenerationParams branch = branch_of(parent, 6);
  branch.guidance_scale = 5.0;
  const auto a = run(parent);
  const auto b = run(branch);
  EXPECT_TRUE(torch::equal(a->frames.x_t[6], b->frames.x_t[6]));
  EXPECT_FALSE(torch::equal(a->frames.x_t[7], b->frames.x_t[7]));
}

TEST_F(Branching, AnotherSamplerOrStepCountRestartsFromTheParentsLatent) {
  const GenerationParams parent = params("ddim", 10);
  GenerationParams branch = branch_of(parent, 4);
  branch.sampler = "ddpm";
  branch.steps = 20;  // the parent's step 4 of 10 is the new schedule's step 8 of 20
  EXPECT_EQ(model_calls_of_run(model_->info(), branch), 4 + 12);
  const auto a = run(parent);
  const auto b = run(branch);
  ASSERT_EQ(b->frames.x_t.size(), 17u);
  for (int i = 0; i <= 4; ++i) {
    EXPECT_TRUE(torch::equal(a->frames.x_t[i], b->frames.x_t[i])) << "frame " << i;
  }
  for (const int total : b->frames.totals) {
    EXPECT_EQ(total, 16) << "every frame, the replayed ones too, counts to the branch's end";
  }
  // Handing over the parent's latent gives what replaying the parent does.
  GenerationRequest shortcut;
  shortcut.params = branch;
  shortcut.branch_latent = a->frames.x_t[4];
  EXPECT_TRUE(torch::equal(generate(*model_, shortcut).latent, b->result.latent));
}

TEST_F(Branching, ABranchOfABranchReadsBackFromJsonAndRunsAgain) {
  GenerationParams first = branch_of(params("ddim", 12), 3);
  first.sampler = "ddpm";
  GenerationParams second = branch_of(first, 7);
  second.seed = 11;
  const GenerationParams back = generation_params_from_json(to_json(second));
  ASSERT_TRUE(back.parent && back.parent->parent);
  EXPECT_EQ(back.branch_step, 7);
  EXPECT_EQ(back.parent->branch_step, 3);
  EXPECT_EQ(back.parent->sampler, "ddpm");
  EXPECT_TRUE(torch::equal(run(second)->result.latent, run(back)->result.latent));
}

TEST_F(Branching, BadBranchesAreRefusedWithTheReason) {
  const auto message = [](const GenerationParams& p) {
    try {
      validate_generation(model_->info(), p);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const GenerationParams parent = params("ddim", 10);
  EXPECT_NE(message(branch_of(parent, 10)).find("[0, 9]"), std::string::npos);
  EXPECT_NE(message(branch_of(params("heun", 5), 3)).find("even step"), std::string::npos);
  GenerationParams varied = branch_of(parent, 2);
  varied.variation_strength = 0.5;
  EXPECT_NE(message(varied).find("variation seed"), std::string::npos);
  GenerationParams bad_parent = params("ddim", 10);
  bad_parent.guidance_scale = 99;
  GenerationParams of_bad = branch_of(bad_parent, 2);
  of_bad.guidance_scale = 2;
  EXPECT_NE(message(of_bad).find("the run this branches from: guidance"), std::string::npos);
  GenerationParams late = branch_of(parent, 4);
  late.sampler = "ddpm";
  EXPECT_NE(message(branch_of(late, 2)).find("belong to the run it branched from"),
            std::string::npos);
}

TEST_F(Branching, VariationSeedSlerpsTheInitialNoise) {
  const ModelInfo& info = model_->info();
  GenerationParams p = params("ddim", 6);
  p.variation_seed = 42;
  EXPECT_TRUE(torch::equal(initial_noise_for(info, p), initial_noise_for(info, p.seed)));
  p.variation_strength = 1.0;
  EXPECT_TRUE(torch::allclose(initial_noise_for(info, p), initial_noise_for(info, uint64_t{42}),
                              1e-5, 1e-5));
  p.variation_strength = 0.5;
  const torch::Tensor half = initial_noise_for(info, p);
  const double norm_a = initial_noise_for(info, p.seed).norm().item<double>();
  const double norm_b = initial_noise_for(info, uint64_t{42}).norm().item<double>();
  EXPECT_NEAR(half.norm().item<double>(), 0.5 * (norm_a + norm_b), 0.02 * norm_a)
      << "slerp keeps the norm of Gaussian noise, a straight blend would lose ~30%";
  const auto varied = run(p);
  EXPECT_TRUE(torch::equal(varied->frames.x_t[0], half));
  const std::vector<GenerationParams> grid = variations_of(p, 3, 10, 0.25);
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_EQ(grid[2].variation_seed, 12u);
  EXPECT_EQ(grid[2].variation_strength, 0.25);
  EXPECT_EQ(grid[2].seed, p.seed);
  EXPECT_NE(to_parameters_line(p).find("Variation seed: 42, Variation seed strength: 0.5"),
            std::string::npos);
  EXPECT_EQ(generation_params_from_json(to_json(p)).variation_seed, 42u);
  p.variation_strength = 1.5;
  EXPECT_THROW(validate_generation(info, p), Error);
}

TEST_F(Branching, FanOutSpreadShrinksAsTheBranchStepMovesOn) {
  for (const uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(seed);
    GenerationRequest parent;
    parent.params = params("ddim", 12, seed);
    parent.params.guidance_scale = 1;  // one model call per step: the claim holds unguided too
    FanOutSettings settings;
    settings.at_step = 1;
    settings.branches = 5;
    settings.spread_points = 4;
    const FanOutResult fan = fan_out(*model_, parent, settings);
    ASSERT_EQ(fan.spread.size(), 4u);
    ASSERT_EQ(fan.finals.size(), 5u);
    EXPECT_EQ(fan.branch_params[0].sampler, "ddpm") << "DDIM at η 0 has one answer per latent";
    for (size_t i = 1; i < fan.spread.size(); ++i) {
      EXPECT_LT(fan.spread[i].pixel_std, fan.spread[i - 1].pixel_std)
          << "step " << fan.spread[i].step;
    }
    const SpreadPoint& first = fan.spread.front();
    const SpreadPoint& last = fan.spread.back();
    EXPECT_LT(last.pixel_std, 0.5 * first.pixel_std);
    ASSERT_EQ(first.band_std.size(), fan.bands.size());
    for (size_t band = 0; band < fan.bands.size(); ++band) {
      EXPECT_LT(last.band_std[band], first.band_std[band]) << "band " << band;
    }
    // Coarse structure is decided first: the lowest band has settled further than the highest.
    EXPECT_LT(last.band_std.front() / first.band_std.front(),
              0.5 * last.band_std.back() / first.band_std.back());
    // A grid branch's parameters make it again on their own.
    GenerationRequest again;
    again.params = fan.branch_params[4];
    EXPECT_TRUE(torch::equal(generate(*model_, again).latent, fan.finals[4]));
  }
}

// The command line: a branch from a sidecar, its own sidecar making it again, and a fan-out's grid
// and spread CSV.
TEST(BranchCommands, BranchFromASidecarAndFanOut) {
  test::TempFolder folder;
  const auto generate = [&folder](std::vector<std::string> args) {
    args.insert(args.end(), {"--export", "still", "--export-dir", folder.path()});
    return app::run_generate_command(args);
  };
  const std::vector<std::string> parent = {"--steps", "8", "--class", "1", "--seed", "4"};
  std::vector<std::string> args = parent;
  args.insert(args.end(),
              {"--save-final", folder.file("parent.npy"), "--out", folder.file("p.png")});
  ASSERT_EQ(generate(args), 0);
  const std::string sidecar = folder.file("p_final.png.json");
  ASSERT_EQ(app::run_generate_command({"--branch-from", sidecar, "--at-step", "3", "--save-final",
                                       folder.file("same.npy"), "--out", folder.file("same.png")}),
            0);
  EXPECT_TRUE(torch::equal(read_npy(folder.file("parent.npy")), read_npy(folder.file("same.npy"))))
      << "a branch with the parent's settings is the parent";
  ASSERT_EQ(
      generate({"--branch-from", sidecar, "--at-step", "3", "--sampler", "ddpm", "--seed", "9",
                "--save-final", folder.file("branch.npy"), "--out", folder.file("b.png")}),
      0);
  ASSERT_EQ(
      app::run_generate_command({"--from-json", folder.file("b_final.png.json"), "--save-final",
                                 folder.file("again.npy"), "--out", folder.file("again.png")}),
      0);
  EXPECT_TRUE(torch::equal(read_npy(folder.file("branch.npy")), read_npy(folder.file("again.npy"))))
      << "--from-json of a branch's sidecar makes it again bit for bit";
  EXPECT_FALSE(
      torch::equal(read_npy(folder.file("branch.npy")), read_npy(folder.file("parent.npy"))));
  EXPECT_THROW(app::run_generate_command({"--at-step", "3", "--out", folder.file("x.png")}), Error);
  EXPECT_THROW(app::run_generate_command({"--branch-from", sidecar, "--out", folder.file("x.png")}),
               Error);
  EXPECT_THROW(app::run_generate_command({"--variation-seed", "3", "--out", folder.file("x.png")}),
               Error);

  ASSERT_EQ(
      app::run_fanout_command({"--from-json", sidecar, "--at-step", "2", "--branches", "4",
                               "--spread-points", "2", "--scale", "1", "--out",
                               folder.file("fan.png"), "--spread-csv", folder.file("fan.csv")}),
      0);
  const Image8 grid = read_image(folder.file("fan.png"));
  EXPECT_EQ(grid.width, 2 * 32 + 3 * 2) << "2 × 2 tiles, a 2-pixel gap around each";
  std::ifstream csv(folder.file("fan.csv"));
  std::string comment, header, first_row;
  std::getline(csv, comment);
  std::getline(csv, header);
  std::getline(csv, first_row);
  EXPECT_EQ(header.rfind("step,sigma,pixel_std,band_", 0), 0u) << header;
  EXPECT_EQ(first_row.rfind("2,", 0), 0u) << first_row;
  EXPECT_THROW(app::run_fanout_command(
                   {"--at-step", "2", "--branches", "1", "--out", folder.file("fan2.png")}),
               Error);
}

// The variations grid from the command line: its own --variation-* options, not the run's.
TEST(BranchCommands, VariationsGridIsWritten) {
  test::TempFolder folder;
  ASSERT_EQ(app::run_variations_command({"--steps", "4", "--class", "1", "--count", "4",
                                         "--variation-strength", "0.3", "--scale", "1", "--out",
                                         folder.file("grid.png")}),
            0);
  const Image8 grid = read_image(folder.file("grid.png"));
  EXPECT_GE(grid.width, 2 * 32);
  EXPECT_GE(grid.height, 2 * 32);
}

}  // namespace
}  // namespace emergence
