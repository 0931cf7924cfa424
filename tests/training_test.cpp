// The trainer: training, checkpoints and resume, the exported folder, guidance, training data.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/model/unet_diffusion_model.h"
#include "core/prediction.h"
#include "core/training/dataset_manifest.h"
#include "core/training/default_unet_config.h"
#include "core/training/train_arguments.h"
#include "core/training/trainer.h"
#include "core/training/training_data.h"
#include "core/training/training_run.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

// The models here are tiny: one thread avoids OpenMP spin-waits on a busy CI machine.
class SingleThreaded : public ::testing::Environment {
 public:
  void SetUp() override { at::set_num_threads(1); }
};
const auto* const kSingleThreaded = ::testing::AddGlobalTestEnvironment(new SingleThreaded);

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("emergence_training_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Four 8×8 images in two classes: flat colours with a bright square, easy to learn quickly.
TrainingData tiny_data() {
  TrainingData data;
  data.images = torch::full({4, 3, 8, 8}, -1.0f);
  data.images[0].select(0, 0).fill_(1.0f);
  data.images[1].select(0, 1).fill_(1.0f);
  data.images[2].slice(1, 2, 6).slice(2, 2, 6).fill_(1.0f);
  data.images[3].slice(1, 0, 4).fill_(0.5f);
  data.labels = torch::tensor({0, 0, 1, 1}, torch::kInt64);
  data.class_names = {"colour", "shape"};
  return data;
}

UNet2DConfig tiny_config() { return default_unet_config(8, 3, {8, 16}, 2); }

TrainerOptions tiny_options() {
  TrainerOptions options;
  options.batch_size = 8;
  options.learning_rate = 3e-3;
  options.warmup_steps = 5;
  options.seed = 7;
  return options;
}

std::vector<torch::Tensor> parameters_of(UNet2DModel& model) {
  std::vector<torch::Tensor> out;
  for (const auto& p : model->parameters()) {
    out.push_back(p.detach().clone());
  }
  return out;
}

TEST(Trainer, LossFallsOnATinySet) {
  Trainer trainer(tiny_config(), tiny_data(), tiny_options());
  double first = 0, last = 0;
  for (int i = 0; i < 80; ++i) {
    const double loss = trainer.step();
    if (i < 20) {
      first += loss / 20;
    } else if (i >= 60) {
      last += loss / 20;
    }
  }
  RecordProperty("first_20_steps", std::to_string(first));
  RecordProperty("last_20_steps", std::to_string(last));
  EXPECT_LT(last, 0.6 * first) << "first 20 steps " << first << ", last 20 " << last;
}

// Issue 11 item 10: a fresh run does not silently replace an earlier one's checkpoint, loss log
// and model folder; --resume continues it and --overwrite replaces it.
TEST(TrainingRun, EarlierRunIsReplacedOnlyWhenAskedTo) {
  const fs::path dir = fresh_dir("earlier_run");
  TrainingRunSpec spec;
  spec.out_dir = (dir / "model").string();
  spec.channels = {8, 16};
  spec.options = tiny_options();
  spec.options.steps = 2;
  std::ostringstream log;
  run_training(tiny_data(), spec, log);
  const fs::path work = dir / "model.train";
  ASSERT_TRUE(fs::is_regular_file(work / "checkpoint.pt"));
  const auto checkpoint_time = fs::last_write_time(work / "checkpoint.pt");

  try {
    run_training(tiny_data(), spec, log);
    FAIL() << "an earlier run was replaced without --overwrite";
  } catch (const Error& e) {
    const std::string message = e.what();
    for (const fs::path& named : {work / "checkpoint.pt", work / "loss.csv", dir / "model"}) {
      EXPECT_NE(message.find(named.string()), std::string::npos) << message;
    }
    EXPECT_NE(message.find("--resume"), std::string::npos) << message;
    EXPECT_NE(message.find("--overwrite"), std::string::npos) << message;
  }
  EXPECT_EQ(fs::last_write_time(work / "checkpoint.pt"), checkpoint_time);

  // An empty model folder made beforehand holds nothing to lose.
  TrainingRunSpec elsewhere = spec;
  elsewhere.out_dir = (dir / "empty_model").string();
  fs::create_directories(elsewhere.out_dir);
  EXPECT_NO_THROW(check_training_destinations(elsewhere));

  TrainingRunSpec both = spec;
  both.resume = both.overwrite = true;
  EXPECT_THROW(check_training_destinations(both), Error);
  TrainingRunSpec resume = spec;
  resume.resume = true;
  EXPECT_NO_THROW(check_training_destinations(resume));
  resume.work_dir = (dir / "no_work").string();
  EXPECT_THROW(check_training_destinations(resume), Error);

  EXPECT_TRUE(parse_train_arguments("emergence train", {"--data", "d", "--out", "m", "--overwrite"})
                  .run.overwrite);
  spec.overwrite = true;
  run_training(tiny_data(), spec, log);
  EXPECT_NE(fs::last_write_time(work / "checkpoint.pt"), checkpoint_time);
}

// A run killed at step 4 had checkpointed at step 2 and was writing the row of step 4.
TEST(TrainingRun, ResumeKeepsOneCompleteLossRowPerStep) {
  const fs::path dir = fresh_dir("loss_log");
  TrainingRunSpec spec;
  spec.out_dir = (dir / "model").string();
  spec.channels = {8, 16};
  spec.options = tiny_options();
  spec.options.steps = 2;
  std::ostringstream log;
  run_training(tiny_data(), spec, log);
  const fs::path loss_csv = dir / "model.train" / "loss.csv";
  std::ofstream(loss_csv, std::ios::app) << "3,0.5,0.5,0.001,9\n4,0.5,0.";
  spec.resume = true;
  spec.options.steps = 4;
  run_training(tiny_data(), spec, log);
  std::ifstream in(loss_csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "step,loss,smoothed_loss,lr,seconds");
  std::vector<int> steps;
  while (std::getline(in, line)) {
    steps.push_back(std::stoi(line));
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 4) << line;
    EXPECT_EQ(line.find("0.5,0.5,0.001,9"), std::string::npos) << "a killed run's row is kept";
  }
  EXPECT_EQ(steps, (std::vector<int>{1, 2, 3, 4}));
}

TEST(Trainer, ResumedRunContinuesExactlyLikeTheUninterruptedOne) {
  const fs::path dir = fresh_dir("resume");
  const std::string checkpoint = (dir / "checkpoint.pt").string();
  Trainer uninterrupted(tiny_config(), tiny_data(), tiny_options());
  for (int i = 0; i < 3; ++i) {
    uninterrupted.step();
  }
  uninterrupted.save_checkpoint(checkpoint);
  std::vector<double> losses;
  for (int i = 0; i < 3; ++i) {
    losses.push_back(uninterrupted.step());
  }
  auto resumed = Trainer::resume(checkpoint, tiny_data());
  EXPECT_EQ(resumed->steps_done(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(resumed->step(), losses[i]) << "step " << 4 + i;
  }
  const auto a = parameters_of(uninterrupted.model());
  const auto b = parameters_of(resumed->model());
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
  }
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({1, 3, 8, 8});
  const auto t = torch::tensor({500});
  const auto c = torch::tensor({1}, torch::kInt64);
  EXPECT_TRUE(torch::equal(uninterrupted.ema_model()->forward(x, t, c),
                           resumed->ema_model()->forward(x, t, c)));
}

TEST(Trainer, LearningRateWarmsUpHoldsThenAnnealsToZero) {
  TrainerOptions options = tiny_options();
  options.steps = 20;
  options.warmup_steps = 4;
  options.decay_steps = 8;  // cosine from step 12 to step 20
  Trainer trainer(tiny_config(), tiny_data(), options);
  std::vector<double> lr;
  for (int i = 0; i < 20; ++i) {
    lr.push_back(trainer.learning_rate());
    trainer.step();
  }
  const double peak = options.learning_rate;
  EXPECT_DOUBLE_EQ(lr[0], peak / 4);
  EXPECT_DOUBLE_EQ(lr[3], peak);
  EXPECT_DOUBLE_EQ(lr[11], peak);
  EXPECT_DOUBLE_EQ(lr[12], peak);        // cos(0)
  EXPECT_NEAR(lr[16], peak / 2, 1e-12);  // halfway: (1 + cos π/2) / 2
  EXPECT_NEAR(lr[19], peak * 0.5 * (1 + std::cos(M_PI * 7 / 8)), 1e-12);
  for (int i = 12; i < 19; ++i) {
    EXPECT_GT(lr[i], lr[i + 1]) << "step " << i;
  }
}

TEST(Trainer, ResumeCanAddAnAnnealToAConstantRun) {
  const fs::path dir = fresh_dir("resume_anneal");
  const std::string checkpoint = (dir / "checkpoint.pt").string();
  Trainer constant(tiny_config(), tiny_data(), tiny_options());
  for (int i = 0; i < 6; ++i) {
    constant.step();
  }
  constant.save_checkpoint(checkpoint);
  auto resumed = Trainer::resume(checkpoint, tiny_data());
  EXPECT_EQ(resumed->options().decay_steps, 0);
  EXPECT_DOUBLE_EQ(resumed->learning_rate(), tiny_options().learning_rate);
  resumed->set_total_steps(10);
  resumed->set_decay_steps(4);
  EXPECT_DOUBLE_EQ(resumed->learning_rate(), tiny_options().learning_rate);  // step 6 = start
  resumed->step();
  resumed->step();
  EXPECT_NEAR(resumed->learning_rate(), tiny_options().learning_rate / 2, 1e-12);
  EXPECT_THROW(resumed->set_decay_steps(11), Error);  // longer than the run
}

TEST(Trainer, CheckpointOfOtherDataIsRejected) {
  const fs::path dir = fresh_dir("other_data");
  Trainer trainer(tiny_config(), tiny_data(), tiny_options());
  trainer.save_checkpoint((dir / "checkpoint.pt").string());
  TrainingData other = tiny_data();
  other.class_names = {"a", "b"};
  EXPECT_THROW(Trainer::resume((dir / "checkpoint.pt").string(), other), Error);
  std::ofstream((dir / "junk.pt").string()) << "not a checkpoint";
  EXPECT_THROW(Trainer::resume((dir / "junk.pt").string(), tiny_data()), Error);
}

TEST(Trainer, ExportedFolderLoadsBackWithTheSameOutputs) {
  const fs::path dir = fresh_dir("export");
  Trainer trainer(tiny_config(), tiny_data(), tiny_options());
  for (int i = 0; i < 3; ++i) {
    trainer.step();
  }
  trainer.export_model_folder(dir.string());
  auto loaded = load_diffusion_model(dir.string());
  EXPECT_EQ(loaded->info().class_names, tiny_data().class_names);
  EXPECT_EQ(loaded->info().scheduler.sampler.prediction, PredictionType::VPrediction);
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({1, 3, 8, 8});
  for (const int64_t label : {0, 1}) {
    Conditioning conditioning;
    conditioning.class_label = label;
    const auto reference =
        trainer.ema_model()->forward(x, torch::tensor({250.0}), torch::tensor({label}));
    // Guidance scale 1 is the plain conditional prediction, no unconditional pass mixed in.
    EXPECT_TRUE(torch::allclose(loaded->denoise(x, 250.0, conditioning), reference, 1e-5, 1e-6));
  }
}

TEST(Trainer, GuidanceScaleOneEqualsTheUnguidedPrediction) {
  const fs::path dir = fresh_dir("guidance");
  Trainer trainer(tiny_config(), tiny_data(), tiny_options());
  for (int i = 0; i < 2; ++i) {
    trainer.step();
  }
  trainer.export_model_folder(dir.string());
  auto model = load_diffusion_model(dir.string());
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({1, 3, 8, 8});
  Conditioning guided;
  guided.class_label = 1;
  Conditioning stronger = guided;
  stronger.guidance_scale = 3.0;
  const auto unguided =
      trainer.ema_model()->forward(x, torch::tensor({100.0}), torch::tensor({int64_t{1}}));
  EXPECT_TRUE(torch::allclose(model->denoise(x, 100.0, guided), unguided, 1e-5, 1e-6));
  // A scale ≠ 1 does mix in the null class: the outputs must differ.
  EXPECT_FALSE(torch::allclose(model->denoise(x, 100.0, stronger), unguided, 1e-5, 1e-6));
}

TEST(Trainer, ResolutionMustFitTheDownsampling) {
  TrainingData data = tiny_data();
  data.images = torch::zeros({4, 3, 6, 6});
  UNet2DConfig config = default_unet_config(6, 3, {8, 16, 32}, 2);
  try {
    Trainer trainer(config, data, tiny_options());
    FAIL() << "a 6 px set with 3 down blocks must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a multiple of 4"), std::string::npos) << e.what();
  }
}

TEST(TrainingData, BadTensorsAreRejectedWithTheirProblem) {
  TrainingData data = tiny_data();
  data.labels = torch::tensor({0, 0, 1, 2}, torch::kInt64);
  EXPECT_THROW(validate_training_data(data, "x"), Error);
  data = tiny_data();
  data.images = data.images * 3;
  EXPECT_THROW(validate_training_data(data, "x"), Error);
  EXPECT_THROW(validate_training_data(TrainingData{}, "x"), Error);
}

TEST(TrainingData, NpyRoundTrip) {
  const fs::path dir = fresh_dir("npy");
  write_training_npy(dir.string(), tiny_data());
  const TrainingData back = read_training_npy(dir.string());
  EXPECT_TRUE(torch::equal(back.images, tiny_data().images));
  EXPECT_TRUE(torch::equal(back.labels, tiny_data().labels));
  EXPECT_EQ(back.class_names, tiny_data().class_names);
}

TEST(DatasetManifest, QuotedFieldsRoundTrip) {
  const fs::path dir = fresh_dir("manifest");
  const std::vector<ManifestRow> rows = {
      {"images/0000.png", "1F468 200D 1F469", "family: man, woman", "People & Body"},
      {"images/0001.png", "1F4AC", "say \"hi\"", "Symbols"}};
  write_manifest((dir / "manifest.csv").string(), rows);
  const auto back = read_manifest((dir / "manifest.csv").string());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, rows[0].name);
  EXPECT_EQ(back[1].name, rows[1].name);
  EXPECT_EQ(back[1].class_name, "Symbols");
}

}  // namespace
}  // namespace emergence
