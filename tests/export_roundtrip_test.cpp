// Parameters travel with an export: `emergence generate --export …` writes them into the PNG and
// a JSON sidecar, and `emergence generate --from-json SIDECAR` makes the identical image again.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/generate_command.h"
#include "core/error.h"
#include "core/media/export/png_text.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "export_synthetic.h"
#include "test_paths.h"

namespace emergence {
namespace {

using test::read_bytes;
using test::TempFolder;

std::string small_model() { return test::test_data_dir() + "/unet/unet_small"; }

TEST(ExportRoundTrip, FromJsonRegeneratesTheExportedImageBitForBit) {
  // ddim is deterministic given the seed; euler_a also draws step noise from it.
  for (const char* sampler : {"ddim", "euler_a"}) {
    TempFolder folder;
    ASSERT_EQ(app::run_generate_command({"--model", small_model(), "--sampler", sampler, "--steps",
                                         "6", "--seed", "31", "--out", folder.file("first.png"),
                                         "--export", "still,gif", "--scale", "1", "--export-dir",
                                         folder.file("export")}),
              0);
    const std::string still = folder.file("export/first_final.png");
    const std::string sidecar = still + ".json";
    ASSERT_TRUE(std::filesystem::exists(folder.file("export/first.gif"))) << sampler;
    const GenerationParams saved = generation_params_from_sidecar(sidecar);
    EXPECT_EQ(saved.sampler, sampler);
    EXPECT_EQ(saved.steps, 6);
    EXPECT_EQ(saved.seed, 31u);
    EXPECT_EQ(read_png_text(read_bytes(still)).at("parameters"), to_parameters_line(saved));

    ASSERT_EQ(
        app::run_generate_command({"--from-json", sidecar, "--out", folder.file("again.png")}), 0);
    EXPECT_EQ(read_bytes(folder.file("again.png")), read_bytes(folder.file("first.png")))
        << sampler;
    EXPECT_EQ(read_image(folder.file("again.png")).pixels, read_image(still).pixels) << sampler;

    // An explicit option still wins over the saved one.
    ASSERT_EQ(app::run_generate_command(
                  {"--from-json", sidecar, "--seed", "32", "--out", folder.file("other.png")}),
              0);
    EXPECT_NE(read_image(folder.file("other.png")).pixels, read_image(still).pixels);
  }
}

// A run made with --diffusers-exact says so in its sidecar and comes back the same; a sidecar
// from before the key existed was made with diffusers' arithmetic and is read as such.
TEST(ExportRoundTrip, DiffusersExactTravelsWithTheParameters) {
  TempFolder folder;
  ASSERT_EQ(app::run_generate_command({"--model", small_model(), "--sampler", "ddim", "--steps",
                                       "8", "--seed", "5", "--diffusers-exact", "--out",
                                       folder.file("exact.png"), "--export", "still", "--scale",
                                       "1", "--export-dir", folder.file("export")}),
            0);
  const std::string sidecar = folder.file("export/exact_final.png.json");
  const GenerationParams saved = generation_params_from_sidecar(sidecar);
  EXPECT_TRUE(saved.diffusers_exact);
  EXPECT_NE(to_parameters_line(saved).find("Diffusers exact: yes"), std::string::npos);
  ASSERT_EQ(app::run_generate_command({"--from-json", sidecar, "--out", folder.file("again.png")}),
            0);
  EXPECT_EQ(read_image(folder.file("again.png")).pixels,
            read_image(folder.file("exact.png")).pixels);

  nlohmann::json old = to_json(saved);
  old.erase("diffusers_exact");
  EXPECT_TRUE(generation_params_from_json(old).diffusers_exact);
  old["diffusers_exact"] = false;
  EXPECT_FALSE(generation_params_from_json(old).diffusers_exact);
  EXPECT_EQ(to_parameters_line(generation_params_from_json(old)).find("Diffusers"),
            std::string::npos);
}

TEST(ExportRoundTrip, CommandLineExportErrorsComeBeforeTheRun) {
  TempFolder folder;
  auto error_of = [&](std::vector<std::string> extra) -> std::string {
    std::vector<std::string> args = {"--model", small_model(), "--steps",
                                     "2",       "--out",       folder.file("x.png")};
    args.insert(args.end(), extra.begin(), extra.end());
    try {
      app::run_generate_command(args);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of({"--export", "avi"}).find("export format must be"), std::string::npos);
  EXPECT_NE(error_of({"--export", "gif", "--view", "noise"}).find("export view must be"),
            std::string::npos);
  EXPECT_NE(error_of({"--export", "gif", "--scale", "0"}).find("--scale"), std::string::npos);
  EXPECT_TRUE(folder.entries().empty()) << folder.entries().front();

  // The second run of the same names is refused without --overwrite (the --out image is the
  // first file it would replace) and allowed with it.
  EXPECT_EQ(error_of({"--export", "gif"}), "");
  const std::string refused = error_of({"--export", "gif"});
  EXPECT_NE(refused.find("x.png exists already"), std::string::npos) << refused;
  EXPECT_EQ(error_of({"--export", "gif", "--overwrite"}), "");
  EXPECT_THROW(generation_params_from_sidecar(folder.file("missing.json")), Error);
}

}  // namespace
}  // namespace emergence
