// `emergence generate` end to end (options, model folder, sampling, PNG and npy outputs) against
// diffusers' DDIMPipeline, and the option parser's errors.
#include "app/generate_command.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/command_line_options.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/media/export/png_text.h"
#include "core/media/image_file.h"
#include "core/npy.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::data_path;

class GenerateCommandTest : public ::testing::Test {
 protected:
  test::TempFolder folder_;  // a fresh folder per test, removed after it
  const fs::path dir_{folder_.path()};
  std::string out(const std::string& name) const { return (dir_ / name).string(); }
};

// The acceptance run: DDIM, 10 steps, unet_small, x_init.npy, the pipeline's scheduler.
TEST_F(GenerateCommandTest, DdimRunReproducesTheDiffusersPipeline) {
  const std::string ref = data_path("pipeline/ddim_unet_small_10/");
  const int rc = app::run_generate_command(
      {"--model", data_path("unet/unet_small"), "--scheduler-config", ref + "scheduler_config.json",
       "--sampler", "ddim", "--steps", "10", "--diffusers-exact", "--init-noise",
       ref + "x_init.npy", "--save-final", out("final.npy"), "--save-steps", out("steps"), "--out",
       out("image.png")});
  ASSERT_EQ(rc, 0);
  EXPECT_LT(test::max_abs_error(read_npy(out("final.npy")), read_npy(ref + "final.npy")), 1e-3);

  const Image8 ours = read_image(out("image.png"));
  const Image8 reference = read_image(ref + "image.png");
  ASSERT_EQ(ours.pixels.size(), reference.pixels.size());
  ASSERT_EQ(ours.width, 16);
  int worst = 0;
  for (size_t i = 0; i < ours.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(ours.pixels[i]) - int(reference.pixels[i])));
  }
  EXPECT_LE(worst, 1);
  for (const char* name : {"xt_0000.png", "xt_0010.png", "x0_0001.png", "x0_0010.png"}) {
    EXPECT_TRUE(fs::is_regular_file(dir_ / "steps" / name)) << name;
  }
  EXPECT_FALSE(fs::exists(dir_ / "steps" / "xt_0011.png"));

  // The --out PNG carries its parameters like every exported PNG does.
  std::ifstream png(out("image.png"), std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(png)),
                                   std::istreambuf_iterator<char>());
  const auto text = read_png_text(bytes);
  ASSERT_EQ(text.count("parameters"), 1u);
  EXPECT_NE(text.at("parameters").find("Steps: 10, Sampler: ddim"), std::string::npos)
      << text.at("parameters");
  EXPECT_EQ(nlohmann::json::parse(text.at("emergence"))["generation"]["steps"], 10);
}

// Each run may change its thread count between calls (ThreadChooser), so the image must not
// depend on it: the built-in model gives the same bits on one thread, two, and the chosen count.
TEST_F(GenerateCommandTest, TheImageDoesNotDependOnTheThreadCount) {
  std::vector<torch::Tensor> finals;
  for (const char* threads : {"1", "2", ""}) {
    std::vector<std::string> args = {"--steps",      "12",
                                     "--seed",       "5",
                                     "--out",        out(std::string("t") + threads + ".png"),
                                     "--save-final", out(std::string("t") + threads + ".npy")};
    if (*threads != '\0') {
      args.insert(args.end(), {"--threads", threads});
    }
    ASSERT_EQ(app::run_generate_command(args), 0);
    finals.push_back(read_npy(out(std::string("t") + threads + ".npy")));
  }
  use_threads(0);
  EXPECT_TRUE(torch::equal(finals[0], finals[1]));
  EXPECT_TRUE(torch::equal(finals[0], finals[2]));
}

TEST_F(GenerateCommandTest, BadRequestsAreErrorsNamingTheCulprit) {
  auto expect_error = [](const std::vector<std::string>& args, const std::string& part) {
    try {
      app::run_generate_command(args);
      FAIL() << "no error for " << part;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  const std::string model = data_path("unet/unet_small");
  expect_error({"--model", model}, "missing required option --out");
  expect_error({"--model", model, "--out", out("a.png"), "--stpes", "3"}, "'--stpes'");
  expect_error({"--model", model, "--out", out("a.png"), "--steps", "ten"}, "--steps");
  expect_error({"--model", model, "--out", out("a.png"), "--steps"}, "--steps needs a value");
  expect_error({"--model", model, "--out", out("a.png"), "--steps", "3", "--steps", "4"},
               "--steps is given twice");
  expect_error({"--model", model, "--out", out("a.png"), "--threads", "0"},
               "--threads must be in [1, 256]");
  expect_error({"--model", model, "--out", out("a.png"), "--class", "2"}, "has no classes");
  expect_error({"--model", out("nothing"), "--out", out("a.png")}, "does not exist");
  expect_error({"--model", model, "--out", out("a.png"), "--init-noise", out("none.npy")},
               "none.npy");
  EXPECT_FALSE(fs::exists(out("a.png")));
}

TEST(OptionsTest, ParsesValuesFlagsAndEqualsForm) {
  Options options("test", {{"--steps", "N", "steps"},
                           {"--shift", "X", "shift"},
                           {"--fast", "", "a flag"},
                           {"--name", "S", "text"}});
  options.parse({"--steps=12", "--shift", "-0.5", "--fast", "word"});
  EXPECT_EQ(options.integer("--steps", 1, 1, 100), 12);
  EXPECT_DOUBLE_EQ(options.number("--shift", 1.0, -1.0, 1.0), -0.5);
  EXPECT_TRUE(options.has("--fast"));
  EXPECT_EQ(options.text("--name", "default"), "default");
  EXPECT_EQ(options.positionals(), std::vector<std::string>{"word"});
  EXPECT_THROW(options.integer("--steps", 1, 20, 100), Error);
  EXPECT_THROW(options.has("--unknown"), Error);
  EXPECT_NE(options.usage().find("--steps N"), std::string::npos);

  Options twice("test", {{"--steps", "N", "steps"}, {"--fast", "", "a flag"}});
  EXPECT_THROW(twice.parse({"--steps", "1", "--steps", "2"}), Error);
  Options flag("test", {{"--fast", "", "a flag"}});
  EXPECT_THROW(flag.parse({"--fast=yes"}), Error);
}

}  // namespace
}  // namespace emergence
