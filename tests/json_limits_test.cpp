// Hostile JSON (issue 17, item 2): nesting deep enough to overflow a recursive dump(), numbers
// beyond the type they become, and channel counts that overflow or exhaust memory. Every one must
// be a clear Error naming the file or key, never a crash or a silently wrapped value.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/generation_params.h"
#include "core/json_file.h"
#include "core/media/export/trajectory_export.h"
#include "core/model/model_folder.h"
#include "core/model/unet2d_config.h"
#include "core/scheduler_config.h"
#include "temp_folder.h"
#include "test_paths.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

const std::string kSmallConfig = test::test_data_dir() + "/unet/unet_small/config.json";

// What the fuzzer found: a value nested 100,000 deep.
std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The message of the Error f throws; a test failure when it throws nothing.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

void expect_parts(const std::string& message, std::initializer_list<const char*> parts) {
  for (const char* part : parts) {
    EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  }
}

class JsonLimitsTest : public ::testing::Test {
 protected:
  test::TempFolder folder_;  // a fresh folder per test, removed after it
  const fs::path dir_{folder_.path()};

  // A pipeline folder whose unet/config.json is unet_small's; weights are never reached.
  fs::path pipeline() {
    const fs::path root = dir_ / "pipeline";
    write(root / "model_index.json", "{}");
    fs::create_directories(root / "unet");
    fs::copy_file(kSmallConfig, root / "unet" / "config.json",
                  fs::copy_options::overwrite_existing);
    return root;
  }
};

TEST_F(JsonLimitsTest, NestingIsBoundedAndBracketsInStringsDoNotCount) {
  EXPECT_NO_THROW(parse_lenient_json(nested(kMaxJsonDepth), "test"));
  expect_parts(error_of([] { parse_lenient_json(nested(kMaxJsonDepth + 1), "t.json"); }),
               {"t.json", "64 levels deep"});
  const std::string brackets(1000, '[');
  EXPECT_EQ(parse_lenient_json("{\"a\": \"" + brackets + "\"}", "test")["a"], brackets);
}

TEST_F(JsonLimitsTest, DeepUNetConfigIsRefusedByTheModelFolderReader) {
  const fs::path root = pipeline();
  const fs::path config = root / "unet" / "config.json";
  write(config, "{\"_class_name\": " + nested(100000) + "}");
  expect_parts(error_of([&] { read_model_folder(root.string()); }),
               {config.string().c_str(), "levels deep"});
}

TEST_F(JsonLimitsTest, DeepSchedulerConfigAndEmergenceJsonAreRefused) {
  const fs::path root = pipeline();
  const fs::path scheduler = root / "scheduler" / "scheduler_config.json";
  write(scheduler, "{\"_class_name\": " + nested(100000) + "}");
  expect_parts(error_of([&] { read_model_folder(root.string()); }),
               {scheduler.string().c_str(), "levels deep"});
  fs::remove(scheduler);
  write(root / "emergence.json", "{\"class_names\": " + nested(100000) + "}");
  expect_parts(error_of([&] { read_model_folder(root.string()); }),
               {"emergence.json", "levels deep"});
}

TEST_F(JsonLimitsTest, ClassNamesMustBeAListOfStrings) {
  const fs::path root = pipeline();
  for (const char* classes : {"\"cat\"", "[1, 2]", "[[\"cat\"]]"}) {
    write(root / "emergence.json", std::string("{\"class_names\": ") + classes + "}");
    expect_parts(error_of([&] { read_model_folder(root.string()); }),
                 {"emergence.json: class_names must be a list of strings"});
  }
}

TEST_F(JsonLimitsTest, DeepSidecarIsRefused) {
  const fs::path sidecar = dir_ / "frame.json";
  write(sidecar, "{\"generation\": {\"seed\": " + nested(100000) + "}}");
  expect_parts(error_of([&] { generation_params_from_sidecar(sidecar.string()); }),
               {sidecar.string().c_str(), "levels deep"});
}

// A UNet config's _class_name is never dumped whole into the message.
TEST_F(JsonLimitsTest, UNetClassNameIsDescribedNotDumped) {
  nlohmann::json config = nlohmann::json::parse(R"({"_class_name": [[[1, 2, 3]]]})");
  expect_parts(error_of([&] { unet2d_config_from_json(config); }),
               {"_class_name is a list", "only UNet2DModel"});
  config["_class_name"] = std::string(5000, 'x') + "\x01";
  const std::string message = error_of([&] { unet2d_config_from_json(config); });
  EXPECT_LT(message.size(), 200u) << message;
}

struct BadNumber {
  const char* key;
  const char* value;  // JSON text
  const char* range;  // expected in the message
};

TEST_F(JsonLimitsTest, SidecarNumbersAreRangeCheckedAsTheirTypes) {
  const BadNumber cases[] = {
      {"steps", "5e50", "[1, 100000]"},
      {"steps", "2.5", "[1, 100000]"},
      {"steps", "0", "[1, 100000]"},
      {"steps", "\"50\"", "[1, 100000]"},
      {"seed", "1e20", "[0, 18446744073709551615]"},
      {"seed", "-1.5", "[0, 18446744073709551615]"},
      {"seed", "-1", "[0, 18446744073709551615]"},
      {"class_label", "1e30", "[-1, 2147483647]"},
      {"class_label", "4294967296", "[-1, 2147483647]"},
      {"guidance_scale", "true", "must be a number"},
  };
  const fs::path sidecar = dir_ / "frame.json";
  for (const BadNumber& c : cases) {
    nlohmann::json json = to_json(GenerationParams{});
    json[c.key] = nlohmann::json::parse(c.value);
    write(sidecar, json.dump());
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    expect_parts(error_of([&] { generation_params_from_sidecar(sidecar.string()); }),
                 {sidecar.string().c_str(), c.key, c.range});
  }
}

TEST_F(JsonLimitsTest, SidecarKeepsEveryValidIntegerExactly) {
  nlohmann::json json = to_json(GenerationParams{});
  json["seed"] = UINT64_MAX;
  json["steps"] = 30.0;  // tools may write integers as floats
  json["class_label"] = 7;
  const GenerationParams p = generation_params_from_json(json);
  EXPECT_EQ(p.seed, UINT64_MAX);
  EXPECT_EQ(p.steps, 30);
  EXPECT_EQ(p.class_label, 7);
}

nlohmann::json small_config() { return read_json_file(kSmallConfig); }

TEST_F(JsonLimitsTest, UNetConfigNumbersAreRangeCheckedAsTheirTypes) {
  const BadNumber cases[] = {
      {"in_channels", "4294967299", "[-2147483648, 2147483647]"},  // 2^32 + 3 once wrapped to 3
      {"sample_size", "1e30", "[-2147483648, 2147483647]"},
      {"layers_per_block", "5e50", "[-2147483648, 2147483647]"},
      {"num_class_embeds", "1e30", "[-2147483648, 2147483647]"},
      {"norm_num_groups", "2.5", "[-2147483648, 2147483647]"},
  };
  for (const BadNumber& c : cases) {
    nlohmann::json config = small_config();
    config[c.key] = nlohmann::json::parse(c.value);
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    expect_parts(error_of([&] { unet2d_config_from_json(config); }), {c.key, c.range});
  }
}

TEST_F(JsonLimitsTest, UNetSizesHaveUpperBounds) {
  const BadNumber cases[] = {
      {"block_out_channels", "[2147483584, 2147483584]", "[1, 16384]"},  // · 4 overflowed int
      {"block_out_channels", "[32768, 32768]", "[1, 16384]"},
      {"in_channels", "20000", "[1, 16384]"},
      {"out_channels", "20000", "[1, 16384]"},
      {"norm_num_groups", "32768", "[1, 16384]"},
      {"time_embedding_dim", "1000000", "[1, 65536]"},
      {"num_class_embeds", "1000000000", "[1, 100000]"},
      {"num_train_timesteps", "1000000000", "[2, 100000]"},
      {"downsample_padding", "1000000", "[0, 8]"},
  };
  for (const BadNumber& c : cases) {
    nlohmann::json config = small_config();
    config[c.key] = nlohmann::json::parse(c.value);
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    expect_parts(error_of([&] { unet2d_config_from_json(config); }), {c.key, c.range});
  }
  nlohmann::json config = small_config();
  config["block_out_channels"] = std::vector<int>(17, 32);
  config["down_block_types"] = std::vector<std::string>(17, "DownBlock2D");
  config["up_block_types"] = std::vector<std::string>(17, "UpBlock2D");
  expect_parts(error_of([&] { unet2d_config_from_json(config); }),
               {"block_out_channels has 17 entries", "at most 16"});
}

TEST_F(JsonLimitsTest, SchedulerConfigNumbersAreRangeChecked) {
  const BadNumber cases[] = {
      {"num_train_timesteps", "5e50", "[1, 2147483647]"},
      {"num_train_timesteps", "4294967297", "[1, 2147483647]"},
      {"steps_offset", "-1.5", "[0, 2147483647]"},
      {"beta_start", "true", "must be a number"},
  };
  const fs::path path = dir_ / "scheduler_config.json";
  for (const BadNumber& c : cases) {
    nlohmann::json config = {{"_class_name", "DDIMScheduler"}};
    config[c.key] = nlohmann::json::parse(c.value);
    write(path, config.dump());
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    expect_parts(error_of([&] { read_scheduler_config(path.string()); }),
                 {path.string().c_str(), c.key, c.range});
  }
}

}  // namespace
}  // namespace emergence
