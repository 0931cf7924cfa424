// "What more steps buy": the image distance behind the convergence chart, and `emergence compare`
// end to end on the small diffusers UNet fixture.
#include "core/media/step_comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/compare_command.h"
#include "core/error.h"
#include "core/media/image_distance.h"
#include "core/media/image_file.h"
#include "temp_folder.h"
#include "test_support.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

// A [1,3,32,32] model-space image: a cosine of `cycles` periods across the width.
torch::Tensor cosine_image(double cycles, double amplitude) {
  const torch::Tensor x = torch::arange(32, torch::kFloat32) * (2 * M_PI * cycles / 32);
  return (amplitude * torch::cos(x)).expand({1, 3, 32, 32}).contiguous();
}

TEST(ImageDistance, IsZeroForTheSameImageAndSeesWhichBandDiffers) {
  const torch::Tensor base = torch::zeros({1, 3, 32, 32});
  const ImageDistance same = image_distance(base, base);
  EXPECT_EQ(same.rmse, 0.0);
  for (double band : same.band_rmse) {
    EXPECT_EQ(band, 0.0);
  }
  // In [0, 1] units a model-space amplitude of 0.2 is 0.1, so the RMS of the cosine is 0.1/√2.
  const std::vector<SpectralBand> bands = distance_bands(32, 32);
  for (const double cycles : {1.0, 12.0}) {
    const ImageDistance d = image_distance(cosine_image(cycles, 0.2), base);
    EXPECT_NEAR(d.rmse, 0.1 / std::sqrt(2.0), 1e-6);
    ASSERT_EQ(d.band_rmse.size(), bands.size());
    for (size_t b = 0; b < bands.size(); ++b) {
      const bool inside = cycles >= bands[b].first_radius && cycles <= bands[b].last_radius;
      // Parseval: all of the difference's energy sits in the band that holds its frequency.
      EXPECT_NEAR(d.band_rmse[b], inside ? 0.1 / std::sqrt(2.0) : 0.0, 1e-5)
          << cycles << " cycles, band " << b;
    }
  }
}

TEST(ImageDistance, RefusesImagesOfDifferentShapes) {
  EXPECT_THROW(image_distance(torch::zeros({1, 3, 16, 16}), torch::zeros({1, 3, 32, 32})), Error);
}

TEST(StepComparison, FewestCallsWithinPicksTheCheapestCellThatIsCloseEnough) {
  ComparisonResult r;
  auto cell = [](const char* sampler, int steps, int calls, double rmse) {
    ComparisonCell c;
    c.sampler = sampler;
    c.steps = steps;
    c.calls = calls;
    c.distance.rmse = rmse;
    return c;
  };
  r.cells = {cell("heun", 5, 9, 0.02), cell("heun", 10, 19, 0.004), cell("heun", 20, 39, 0.001),
             cell("ddim", 5, 5, 0.05), cell("ddim", 10, 10, 0.03)};
  EXPECT_EQ(fewest_calls_within(r, "heun", 0.005), 19);
  EXPECT_EQ(fewest_calls_within(r, "heun", 0.02), 9);
  EXPECT_EQ(fewest_calls_within(r, "ddim", 0.005), -1);
  EXPECT_EQ(fewest_calls_within(r, "euler", 1.0), -1);
}

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream s(line);
    std::string f;
    while (std::getline(s, f, ',')) {
      fields.push_back(f);
    }
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < fields.size() && k < header.size(); ++k) {
      row[header[k]] = fields[k];
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(CompareCommand, WritesGridChartAndCsvAndTheReferenceStepCountMatchesItself) {
  test::TempFolder folder;
  const fs::path dir(folder.path());
  const std::string csv = (dir / "c.csv").string();
  ASSERT_EQ(app::run_compare_command({"--model", test::data_path("unet/unet_small"), "--steps",
                                      "2,5,40", "--sampler", "ddim,heun", "--reference-steps", "40",
                                      "--out", (dir / "grid.png").string(), "--chart",
                                      (dir / "chart.png").string(), "--csv", csv, "--scale", "2"}),
            0);
  const Image8 grid = read_image((dir / "grid.png").string());
  EXPECT_GT(grid.width, 4 * 32);  // three step columns and the reference, 16 px at scale 2
  EXPECT_GT(read_image((dir / "chart.png").string()).width, 0);

  const auto rows = read_csv(csv);
  ASSERT_EQ(rows.size(), 6u);
  std::map<std::string, std::vector<double>> rmse;
  for (const auto& row : rows) {
    rmse[row.at("sampler")].push_back(std::stod(row.at("rmse")));
    EXPECT_TRUE(row.count("band_0")) << "per-band distances";
  }
  EXPECT_EQ(rows[0].at("calls"), "2");
  EXPECT_EQ(rows[3].at("calls"), "3");  // Heun: two calls per step but the last
  // DDIM at the reference's own step count is the reference run again.
  EXPECT_EQ(rmse["ddim"][2], 0.0);
  EXPECT_GT(rmse["ddim"][0], rmse["ddim"][2]);
  EXPECT_GT(rmse["heun"][0], rmse["heun"][2]);
}

TEST(CompareCommand, RefusesABadStepListAndAnUnknownSamplerBeforeRunning) {
  test::TempFolder folder;
  const std::string out = (fs::path(folder.path()) / "g.png").string();
  const std::string model = test::data_path("unet/unet_small");
  try {
    app::run_compare_command({"--model", model, "--steps", "5,x", "--out", out});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  try {
    app::run_compare_command({"--model", model, "--sampler", "ddim,nope", "--out", out});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace emergence
