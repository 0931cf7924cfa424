// The nearest-training-image search (core/media/nearest_images.h): order, distances, the
// near-copy verdict against memorization_rate, folders and bad input.
#include "core/media/nearest_images.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <sstream>

#include "core/display_image.h"
#include "core/error.h"
#include "core/media/image_file.h"
#include "core/training/dataset_manifest.h"
#include "core/training/sample_metrics.h"
#include "temp_folder.h"

namespace emergence {
namespace {

// n random 8×8 RGB images in [-1, 1].
torch::Tensor random_set(int64_t n, int64_t seed) {
  torch::manual_seed(seed);
  return torch::rand({n, 3, 8, 8}) * 2 - 1;
}

TEST(NearestImagesTest, ListsTheKNearestInOrderWithTheirEuclideanDistances) {
  const torch::Tensor set = random_set(30, 1);
  const torch::Tensor query = torch::rand({3, 8, 8}) * 2 - 1;
  const NearestImages nn = nearest_images(set, query, 5);
  ASSERT_EQ(nn.indices.size(), 5u);
  ASSERT_EQ(nn.distances.size(), 5u);
  const torch::Tensor all = (set - query.unsqueeze(0)).pow(2).sum({1, 2, 3}).sqrt();
  const auto [sorted, order] = all.sort();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(nn.indices[i], order[i].item<int64_t>());
    EXPECT_NEAR(nn.distances[i], sorted[i].item<double>(), 1e-4);
    if (i > 0) {
      EXPECT_LE(nn.distances[i - 1], nn.distances[i]);
    }
  }
}

TEST(NearestImagesTest, ATrainingImageIsANearCopyOfItselfAndNoiseIsNot) {
  const torch::Tensor set = random_set(60, 2);
  const NearestImages copy = nearest_images(set, set[17].clone(), 3);
  EXPECT_EQ(copy.indices[0], 17);
  EXPECT_NEAR(copy.distances[0], 0.0, 1e-4);
  ASSERT_TRUE(copy.verdict_known);
  EXPECT_TRUE(copy.near_copy);
  EXPECT_LT(copy.ratio(), 1.0 / 3.0);

  const NearestImages fresh = nearest_images(set, torch::rand({3, 8, 8}) * 2 - 1, 3);
  ASSERT_TRUE(fresh.verdict_known);
  EXPECT_FALSE(fresh.near_copy);
  EXPECT_GT(fresh.ratio(), 1.0 / 3.0);
}

TEST(NearestImagesTest, TheVerdictIsTheMemorizationRatesOnEachImage) {
  const torch::Tensor set = random_set(40, 3);
  // From a copy to plain noise: the verdict turns over somewhere on the way.
  const torch::Tensor noise = torch::rand({3, 8, 8}) * 2 - 1;
  int copies = 0;
  for (double t = 0.0; t <= 1.0; t += 0.05) {
    const torch::Tensor query = set[4] * (1 - t) + noise * t;
    const NearestImages nn = nearest_images(set, query, 1);
    const double rate = memorization_rate(set, query.unsqueeze(0));
    EXPECT_EQ(nn.near_copy, rate > 0.5) << "t = " << t;
    EXPECT_EQ(nn.near_copy, nn.ratio() < 1.0 / 3.0) << "t = " << t;
    copies += nn.near_copy ? 1 : 0;
  }
  EXPECT_GT(copies, 0);
  EXPECT_LT(copies, 21);
}

TEST(NearestImagesTest, KIsClampedToTheSetAndOneImageGivesNoVerdict) {
  const torch::Tensor set = random_set(4, 4);
  EXPECT_EQ(nearest_images(set, set[0], 12).indices.size(), 4u);
  const NearestImages single = nearest_images(set.slice(0, 0, 1), set[0], 5);
  EXPECT_EQ(single.indices.size(), 1u);
  EXPECT_FALSE(single.verdict_known);
}

TEST(NearestImagesTest, AnImage8QueryMatchesItsTrainingImageExactly) {
  const torch::Tensor set = random_set(10, 5);
  const Image8 shown = to_image8(set[6]);
  // The set as 8-bit images would hold it: the query is one of them.
  const torch::Tensor quantized = from_image8(shown);
  torch::Tensor stored = set.clone();
  stored[6] = quantized;
  const NearestImages nn = nearest_images(stored, shown, 2);
  EXPECT_EQ(nn.indices[0], 6);
  EXPECT_EQ(nn.distances[0], 0.0);
}

TEST(NearestImagesTest, BadInputIsAnErrorNamingWhatIsWrong) {
  const torch::Tensor set = random_set(5, 6);
  try {
    nearest_images(set, torch::zeros({3, 16, 16}), 3);
    FAIL() << "a 16 px image against 8 px training images was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("16×16×3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("8×8×3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(nearest_images(set, set[0], 0), Error);
  EXPECT_THROW(nearest_images(torch::Tensor(), set[0], 1), Error);
  EXPECT_THROW(nearest_images(set, Image8{}, 1), Error);
}

TEST(NearestImagesTest, AFolderIsReadWithItsManifestDescriptions) {
  test::TempFolder dir;
  std::filesystem::create_directories(dir.file("images"));
  std::vector<ManifestRow> rows;
  for (int i = 0; i < 3; ++i) {
    Image8 image{8, 8, 3, std::vector<uint8_t>(8 * 8 * 3, static_cast<uint8_t>(40 * i))};
    const std::string file = "images/" + std::to_string(i) + ".png";
    write_image(dir.file(file), image);
    rows.push_back({file, "1F60" + std::to_string(i), "face " + std::to_string(i), "Smileys"});
  }
  write_manifest(dir.file(kManifestFile), rows);
  std::ostringstream warnings;
  const TrainingImages set = load_training_images(dir.path(), 8, warnings);
  ASSERT_EQ(set.size(), 3);
  EXPECT_EQ(set.files[1], "images/1.png");
  EXPECT_EQ(set.descriptions[1], "1F601 face 1 (Smileys)");
  const Image8 third{8, 8, 3, std::vector<uint8_t>(8 * 8 * 3, 80)};
  const NearestImages nn = nearest_images(set.images, third, 1);
  EXPECT_EQ(nn.indices[0], 2);
  EXPECT_EQ(nn.distances[0], 0.0);
}

TEST(NearestImagesTest, TrainingDataIsFoundAsWrittenOrBesideTheModel) {
  test::TempFolder dir;
  std::filesystem::create_directories(dir.file("model/data"));
  EXPECT_EQ(find_training_folder(dir.file("model/data"), ""), dir.file("model/data"));
  EXPECT_EQ(std::filesystem::path(find_training_folder("data", dir.file("model"))),
            std::filesystem::path(dir.file("model/data")));
  EXPECT_EQ(find_training_folder("no-such-folder", dir.file("model")), "");
  EXPECT_EQ(find_training_folder("", dir.file("model")), "");
}

}  // namespace
}  // namespace emergence
