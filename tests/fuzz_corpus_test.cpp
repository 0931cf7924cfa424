// Issue 17: every fuzz target (tests/fuzz) on its committed seed corpus and on the minimised
// inputs that once crashed it (tests/fuzz/<target>/regressions, each named after what it found).
// Each must be read or refused with an emergence::Error: any other exception fails here, and a
// crash ends the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/fuzz_targets.h"
#include "test_paths.h"

namespace emergence::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FuzzCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzCorpus, EveryInputIsReadOrRefusedWithAClearError) {
  const fs::path root = fs::path(test::fuzz_dir()) / GetParam();
  int inputs = 0;
  for (const char* folder : {"corpus", "regressions"}) {
    if (!fs::is_directory(root / folder)) {
      continue;
    }
    for (const auto& entry : fs::directory_iterator(root / folder)) {
      const std::vector<uint8_t> data = bytes_of(entry.path());
      EXPECT_NO_THROW(run_target(GetParam(), data.data(), data.size())) << entry.path();
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 0) << "no corpus for " << GetParam();
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const NamedTarget& t : targets()) {
    names.push_back(t.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, ::testing::ValuesIn(target_names()));

}  // namespace
}  // namespace emergence::fuzz
