// Warm starts (--init) and the labels a trained model folder records: class groups, data folder.
#include "core/training/warm_start.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/model/model_folder.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/default_unet_config.h"
#include "core/training/train_arguments.h"
#include "core/training/trainer.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

fs::path warm_start_folder(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("emergence_warm_start_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TrainingData data_with(std::vector<std::string> names, std::vector<std::string> groups) {
  TrainingData data;
  const int64_t n = static_cast<int64_t>(names.size());
  data.images = torch::rand({2 * n, 3, 8, 8}) * 2 - 1;
  data.labels = torch::arange(2 * n, torch::kInt64).remainder(n);
  data.class_names = std::move(names);
  data.class_groups = std::move(groups);
  return data;
}

TrainerOptions few_steps() {
  TrainerOptions options;
  options.batch_size = 4;
  options.warmup_steps = 1;
  return options;
}

// A model trained on two groups, saved where a warm start reads it.
std::string trained_group_model(const fs::path& dir) {
  at::set_num_threads(1);
  Trainer trainer(default_unet_config(8, 3, {8, 16}, 2), data_with({"colour", "shape"}, {}),
                  few_steps());
  for (int i = 0; i < 3; ++i) {
    trainer.step();
  }
  trainer.export_model_folder((dir / "groups").string());
  return (dir / "groups").string();
}

TEST(WarmStart, EachClassStartsFromItsNameOrItsGroupElseTheNullClass) {
  const fs::path dir = warm_start_folder("rows");
  const std::string model = trained_group_model(dir);
  const TrainingData sub =
      data_with({"red", "blue", "shape", "stranger"}, {"colour", "colour", "shape", "none"});
  const auto weights = warm_start_weights(model, sub);
  UNet2DModel trained = load_unet(read_model_folder(model));
  const auto old = state_dict(trained);
  const torch::Tensor before = old.at("class_embedding.weight");  // colour, shape, null
  const torch::Tensor after = weights.at("class_embedding.weight");
  ASSERT_EQ(after.size(0), 5);
  EXPECT_TRUE(torch::equal(after[0], before[0]));  // red: its group, colour
  EXPECT_TRUE(torch::equal(after[1], before[0]));  // blue: its group, colour
  EXPECT_TRUE(torch::equal(after[2], before[1]));  // shape: its own name
  EXPECT_TRUE(torch::equal(after[3], before[2]));  // stranger: the null class
  EXPECT_TRUE(torch::equal(after[4], before[2]));  // null stays null
  for (const auto& [name, tensor] : old) {
    if (name != "class_embedding.weight") {
      EXPECT_TRUE(torch::equal(weights.at(name), tensor)) << name;
    }
  }
  EXPECT_EQ(*warm_start_config(model, sub).num_class_embeds, 5);
}

TEST(WarmStart, TheRunStartsFromTheTrainedWeightsAndItsEmaToo) {
  const fs::path dir = warm_start_folder("trainer");
  const std::string model = trained_group_model(dir);
  const TrainingData sub = data_with({"red", "shape"}, {"colour", "shape"});
  Trainer trainer(warm_start_config(model, sub), sub, few_steps());
  trainer.warm_start(warm_start_weights(model, sub), model);
  UNet2DModel ema = trainer.ema_model();
  const auto expected = warm_start_weights(model, sub);
  for (const auto& [name, tensor] : state_dict(ema)) {
    EXPECT_TRUE(torch::equal(tensor, expected.at(name))) << name;
  }
  trainer.step();
  EXPECT_THROW(trainer.warm_start(expected, model), Error);  // only before the first step
}

TEST(WarmStart, UnconditionalModelsCannotSeedClasses) {
  const fs::path dir = warm_start_folder("unconditional");
  at::set_num_threads(1);
  TrainingData plain = data_with({"x"}, {});
  plain.class_names.clear();
  plain.labels = torch::Tensor();
  Trainer trainer(default_unet_config(8, 3, {8, 16}, 0), plain, few_steps());
  trainer.export_model_folder((dir / "plain").string());
  try {
    warm_start_config((dir / "plain").string(), data_with({"a"}, {}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("class-conditional"), std::string::npos) << e.what();
  }
}

TEST(WarmStart, InitTakesTheModelsArchitectureSoChannelsIsAnError) {
  EXPECT_THROW(parse_train_arguments("emergence train", {"--data", "d", "--out", "o", "--init", "m",
                                                         "--channels", "8,16"}),
               Error);
  const TrainArguments args =
      parse_train_arguments("emergence train", {"--data", "d", "--out", "o", "--init", "m"});
  EXPECT_EQ(args.run.init_from, "m");
  EXPECT_TRUE(fs::path(args.run.data_dir).is_absolute());
}

TEST(ModelLabels, GroupsAndDataFolderRoundTripThroughEmergenceJson) {
  const fs::path dir = warm_start_folder("labels");
  at::set_num_threads(1);
  Trainer trainer(default_unet_config(8, 3, {8, 16}, 2),
                  data_with({"face-smiling", "animal-mammal"}, {"Smileys", "Animals"}),
                  few_steps());
  trainer.export_model_folder((dir / "m").string(), "/data/emoji");
  const auto model = load_diffusion_model((dir / "m").string());
  EXPECT_EQ(model->info().class_groups, (std::vector<std::string>{"Smileys", "Animals"}));
  EXPECT_EQ(model->info().training_data, "/data/emoji");
  // Groups that do not pair with the names are an error naming the file.
  std::ofstream(dir / "m" / "emergence.json")
      << R"({"class_names": ["a", "b"], "class_groups": ["g"], "null_class": true})";
  try {
    read_model_folder((dir / "m").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("emergence.json: class_groups lists 1 groups for 2"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace emergence
