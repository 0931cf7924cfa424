#include "core/npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/error.h"
#include "test_support.h"

namespace emergence {
namespace {

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

TEST(Npy, ReadsNumpyFilesOfEveryDtypeWeUse) {
  const auto x = read_npy(test::data_path("schedulers/ddim_linear_eps_leading_50/x_init.npy"));
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{1, 3, 8, 8}));
  EXPECT_EQ(x.scalar_type(), torch::kFloat32);
  const auto labels = read_npy(test::data_path("unet/unet_classcond/class_labels.npy"));
  EXPECT_EQ(labels.scalar_type(), torch::kInt64);
  EXPECT_EQ(labels.sizes(), (std::vector<int64_t>{2}));
}

TEST(Npy, RoundTripIsExact) {
  const auto t = torch::randn({2, 3, 5});
  const auto path = temp_path("round_trip.npy");
  write_npy(path, t);
  EXPECT_TRUE(torch::equal(read_npy(path), t));
  const auto scalar_path = temp_path("vector.npy");
  write_npy(scalar_path, torch::arange(4, torch::kFloat32));
  EXPECT_EQ(read_npy(scalar_path).sizes(), (std::vector<int64_t>{4}));
}

TEST(Npy, BadFilesAreErrorsNamingTheFile) {
  const auto path = temp_path("bad.npy");
  { std::ofstream(path) << "not numpy at all"; }
  try {
    read_npy(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  // A valid header whose data is cut short.
  const auto good = temp_path("good.npy");
  write_npy(good, torch::ones({64}));
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto cut = temp_path("cut.npy");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 10);
  EXPECT_THROW(read_npy(cut), Error);
  EXPECT_THROW(read_npy(temp_path("missing.npy")), Error);
}

}  // namespace
}  // namespace emergence
