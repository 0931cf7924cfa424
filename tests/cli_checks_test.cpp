// Issue 11 items 7–9, 11, 12, 14 and 15: the command line checks what it is asked for, and every
// destination, before it samples or prints anything, and says what is actually wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "app/bench_menu.h"
#include "app/generate_command.h"
#include "core/error.h"
#include "core/generation_params.h"
#include "core/media/image_file.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CliChecksTest : public ::testing::Test {
 protected:
  test::TempFolder folder_;  // a fresh folder per test, removed after it
  const fs::path dir_{folder_.path()};
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `generate` on the small fixture model (2 steps unless extra says otherwise); returns the
  // error message ("" on success) and keeps what it printed on stderr in printed_.
  std::string generate(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--model", test::data_path("unet/unet_small")};
    if (std::find(extra.begin(), extra.end(), "--steps") == extra.end()) {
      args.insert(args.end(), {"--steps", "2"});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    ::testing::internal::CaptureStderr();
    std::string message;
    try {
      app::run_generate_command(args);
    } catch (const Error& e) {
      message = e.what();
    }
    printed_ = ::testing::internal::GetCapturedStderr();
    return message;
  }
  // The run was started: the parameters line is printed just before sampling.
  bool sampled() const { return printed_.find("Steps: ") != std::string::npos; }

  std::string printed_;
};

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "'" << part << "' is not in '" << text << "'";
}
#define EXPECT_CONTAINS(text, part) EXPECT_TRUE(contains((text), (part)))

// Item 7: the fixture's schedule has 1000 training steps; the core's range is the only one.
TEST_F(CliChecksTest, StepsBeyondTheTrainingStepsFailBeforeTheRun) {
  const std::string message = generate({"--steps", "100000", "--out", path("a.png")});
  EXPECT_CONTAINS(message, "steps must be in [1, 1000] (got 100000)");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_CONTAINS(generate({"--steps", "0", "--out", path("a.png")}), "steps must be in [1, 1000]");
  EXPECT_CONTAINS(generate({"--shift", "50", "--out", path("a.png")}), "shift must be in");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_CONTAINS(generate({"--sampler", "eulr", "--out", path("a.png")}),
                  "unknown sampler 'eulr'");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_EQ(generate({"--steps", "1000", "--out", path("a.png")}), "");
  EXPECT_TRUE(fs::is_regular_file(path("a.png")));
}

// Issue 16 item 4: our, A1111's and ComfyUI's spellings of a sampler and schedule make the same
// run, and a sampler name that implies a schedule must agree with --schedule.
TEST_F(CliChecksTest, EverySpellingOfASamplerMakesTheSameRun) {
  const auto run = [&](std::vector<std::string> names, const std::string& out) {
    names.insert(names.end(), {"--out", path(out)});
    EXPECT_EQ(generate(names), "") << names[1];
    const size_t start = printed_.find("Steps: ");
    return printed_.substr(start, printed_.find('\n', start) - start);
  };
  const std::string ours = run({"--sampler", "dpmpp_2m", "--schedule", "karras"}, "ours.png");
  EXPECT_CONTAINS(ours, "Sampler: dpmpp_2m, Schedule: karras");
  int n = 0;
  for (const std::vector<std::string>& names : std::vector<std::vector<std::string>>{
           {"--sampler", "DPM++ 2M Karras"},
           {"--sampler", "DPM++ 2M", "--schedule", "Karras"},
           {"--sampler", "DPM++ 2M Karras", "--schedule", "karras"},
           {"--sampler", "dpmpp_2m", "--schedule", "KARRAS"}}) {
    const std::string out = "other" + std::to_string(n++) + ".png";
    EXPECT_EQ(run(names, out), ours) << names[1];
    EXPECT_EQ(bytes_of(path(out)), bytes_of(path("ours.png"))) << names[1];
  }
  EXPECT_EQ(run({"--sampler", "euler_ancestral", "--schedule", "SGM Uniform"}, "comfy.png"),
            run({"--sampler", "Euler a", "--schedule", "sgm_uniform"}, "a1111.png"));
  EXPECT_CONTAINS(
      generate({"--sampler", "DPM++ 2M Karras", "--schedule", "beta", "--out", path("x.png")}),
      "names the karras schedule, but --schedule is 'beta'");
  const std::string unknown = generate({"--schedule", "linear_quadratic", "--out", path("x.png")});
  EXPECT_CONTAINS(unknown, "unknown schedule 'linear_quadratic'");
  EXPECT_CONTAINS(unknown, "sgm_uniform");
  EXPECT_FALSE(sampled()) << printed_;
}

// Item 8: each --out problem is named for what it is, before sampling.
TEST_F(CliChecksTest, OutProblemsAreNamedBeforeTheRun) {
  EXPECT_CONTAINS(generate({"--out", path("image")}), "has no extension");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_CONTAINS(generate({"--out", path("image.xyz")}), "cannot write .xyz images");
  fs::create_directories(path("folder.png"));
  EXPECT_CONTAINS(generate({"--out", path("folder.png")}), "is a folder");
  EXPECT_CONTAINS(generate({"--out", dir_.string()}), dir_.string() + " is a folder");
  EXPECT_CONTAINS(generate({"--out", path("missing/a.png")}),
                  "folder " + path("missing") + " does not exist");
  std::ofstream(path("plain")) << "x";
  EXPECT_CONTAINS(generate({"--out", path("plain/a.png")}), "is a file, not a folder");
  EXPECT_FALSE(sampled()) << printed_;

  const test::ReadOnlyFolder read_only(path("read_only"));
  if (!read_only.ready()) {
    GTEST_SKIP() << "no way to make a read-only folder here";
  }
  const std::string message = generate({"--out", read_only.path() + "/a.png"});
  EXPECT_CONTAINS(message, "cannot write into folder " + read_only.path());
  EXPECT_EQ(message.find("disk not full"), std::string::npos) << message;
  EXPECT_FALSE(sampled()) << printed_;
}

// Item 9: a second run with --export overwrites neither the --out PNG nor the export without
// --overwrite, and a read-only export folder stops the run before the PNG is written.
TEST_F(CliChecksTest, NothingIsOverwrittenWithoutConsent) {
  const std::vector<std::string> run = {"--out", path("a.png"), "--export", "gif", "--scale", "1"};
  ASSERT_EQ(generate(run), "");
  const std::vector<uint8_t> first_png = bytes_of(path("a.png"));
  const std::vector<uint8_t> first_gif = bytes_of(path("a.gif"));

  std::vector<std::string> other_seed = run;
  other_seed.insert(other_seed.end(), {"--seed", "7"});
  EXPECT_CONTAINS(generate(other_seed), path("a.png") + " exists already");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_EQ(bytes_of(path("a.png")), first_png);

  // A new --out name but the same export name: the GIF is the one refused, before the run.
  other_seed.insert(other_seed.end(), {"--export-name", "a"});
  other_seed[1] = path("b.png");
  EXPECT_CONTAINS(generate(other_seed), "--export gif: " + path("a.gif") + " and 1 more file");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_FALSE(fs::exists(path("b.png")));
  EXPECT_EQ(bytes_of(path("a.gif")), first_gif);

  other_seed[1] = path("a.png");
  other_seed.push_back("--overwrite");
  EXPECT_EQ(generate(other_seed), "");
  EXPECT_NE(bytes_of(path("a.png")), first_png);
  EXPECT_NE(bytes_of(path("a.gif")), first_gif);

  // An export that would write the --out image itself is refused too.
  EXPECT_CONTAINS(generate({"--out", path("c.png"), "--export", "still", "--export-name", "c"}),
                  "the --out image");

  const test::ReadOnlyFolder read_only(path("read_only"));
  if (!read_only.ready()) {
    GTEST_SKIP() << "no way to make a read-only folder here";
  }
  EXPECT_CONTAINS(generate({"--out", path("d.png"), "--export", "gif", "--export-dir",
                            read_only.path() + "/sub"}),
                  "cannot write into folder " + read_only.path());
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_FALSE(fs::exists(path("d.png")));
}

// Item 9, the other outputs: --save-final and --save-steps are checked up front as well.
TEST_F(CliChecksTest, EveryOtherOutputIsCheckedUpFront) {
  std::ofstream(path("final.npy")) << "keep";
  EXPECT_CONTAINS(generate({"--out", path("a.png"), "--save-final", path("final.npy")}),
                  "--save-final: " + path("final.npy") + " exists already");
  fs::create_directories(path("steps"));
  std::ofstream(path("steps/xt_0001.png")) << "keep";
  EXPECT_CONTAINS(generate({"--out", path("a.png"), "--save-steps", path("steps")}),
                  "--save-steps: " + path("steps/xt_0001.png") + " exists already");
  EXPECT_FALSE(sampled()) << printed_;
  EXPECT_FALSE(fs::exists(path("a.png")));
}

// Item 12: a sidecar must say what made the image; nothing is made up for what it leaves out.
TEST_F(CliChecksTest, EmptyOrIncompleteSidecarsAreRefused) {
  std::ofstream(path("empty.json")) << "{}";
  const std::string empty = generate({"--from-json", path("empty.json"), "--out", path("a.png")});
  EXPECT_CONTAINS(empty, path("empty.json") + ": no generation parameters");
  EXPECT_FALSE(sampled()) << printed_;

  nlohmann::json partial = to_json(GenerationParams{});
  partial.erase("schedule");
  partial.erase("seed");
  std::ofstream(path("partial.json")) << nlohmann::json{{"generation", partial}}.dump();
  EXPECT_CONTAINS(generate({"--from-json", path("partial.json"), "--out", path("a.png")}),
                  "schedule and seed are missing");
  std::ofstream(path("list.json")) << "[1, 2]";
  EXPECT_CONTAINS(generate({"--from-json", path("list.json"), "--out", path("a.png")}),
                  "must be a JSON object");
  EXPECT_FALSE(fs::exists(path("a.png")));

  // A complete one (what an export writes) is used as it is: trailing stays trailing.
  GenerationParams saved;
  saved.model_path = test::data_path("unet/unet_small");
  saved.sampler = "euler";
  saved.spacing = Spacing::Trailing;
  std::ofstream(path("full.json")) << to_json(saved).dump();
  EXPECT_EQ(generate({"--from-json", path("full.json"), "--out", path("a.png")}), "");
  EXPECT_CONTAINS(printed_, "Steps: 2, Sampler: euler, Schedule: trailing");  // --steps 2 wins
}

// Item 11: `bench` alone and `bench --help` list the benchmarks; an unknown one is named.
TEST(BenchMenuTest, ListsTheBenchmarksAndNamesAnUnknownOne) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{}, std::vector<std::string>{"--help"}}) {
    std::ostringstream out;
    EXPECT_EQ(app::run_bench_menu(args, out), 0);
    for (const char* name : {"gui ", "spectrum ", "unet "}) {
      EXPECT_CONTAINS(out.str(), name);
    }
  }
  std::ostringstream out;
  try {
    app::run_bench_menu({"gpu"}, out);
    FAIL() << "no error for an unknown benchmark";
  } catch (const Error& e) {
    EXPECT_CONTAINS(e.what(), "unknown benchmark 'gpu'");
  }
}

// Item 15: the seed's range, η only where it counts, export options only with an export.
TEST_F(CliChecksTest, SeedEtaAndExportOptionsSayWhatTheyMean) {
  EXPECT_CONTAINS(generate({"--seed", "99999999999999999999", "--out", path("a.png")}),
                  "--seed must be in [0, 18446744073709551615]");
  EXPECT_CONTAINS(generate({"--seed", "-1", "--out", path("a.png")}), "non-negative integer");
  EXPECT_CONTAINS(generate({"--scale", "100000", "--out", path("a.png")}),
                  "--scale only applies to an export");
  EXPECT_CONTAINS(generate({"--scale", "100000", "--export", "gif", "--out", path("a.png")}),
                  "--scale must be in [1, 64]");
  EXPECT_FALSE(sampled()) << printed_;

  EXPECT_EQ(generate({"--sampler", "euler", "--eta", "0.5", "--out", path("a.png")}), "");
  EXPECT_CONTAINS(printed_, "--eta only changes ddim; euler ignores it");
  EXPECT_EQ(printed_.find("Eta:"), std::string::npos) << printed_;
  EXPECT_EQ(generate({"--sampler", "ddim", "--eta", "0.5", "--out", path("b.png")}), "");
  EXPECT_CONTAINS(printed_, "Eta: 0.5");

  GenerationParams euler;
  euler.sampler = "euler";
  euler.eta = 0.5;
  EXPECT_EQ(to_parameters_line(euler).find("Eta"), std::string::npos);
}

// Item 14: a missing image is named with the reason, and OpenCV is never asked to read it.
TEST_F(CliChecksTest, UnreadableImagesAreNamedWithTheReason) {
  try {
    read_image(path("absent.png"));
    FAIL() << "no error for a missing image";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read image " + path("absent.png") + ": no such file");
  }
  std::ofstream(path("junk.png")) << "not a png";
  EXPECT_THROW(read_image(path("junk.png")), Error);
  EXPECT_THROW(read_image(dir_.string()), Error);
}

}  // namespace
}  // namespace emergence
