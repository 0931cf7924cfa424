// The GUI worker's side of training: run_training's observer (pause, stop, progress) and the JSON
// lines of `emergence train --progress-json` (app/train_progress_json.h).
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/train_progress_json.h"
#include "core/media/image_file.h"
#include "core/media/image_folder.h"
#include "core/training/trainer.h"
#include "core/training/training_run.h"
#include "temp_folder.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

// Eight 16 px images in two classes.
TrainingData tiny_data() {
  at::set_num_threads(1);
  torch::manual_seed(3);
  TrainingData data;
  data.images = torch::rand({8, 3, 16, 16}) * 2 - 1;
  data.labels = torch::tensor({0, 1, 0, 1, 0, 1, 0, 1}, torch::kInt64);
  data.class_names = {"a", "b"};
  return data;
}

TrainingRunSpec tiny_spec(const test::TempFolder& folder, int64_t steps) {
  TrainingRunSpec spec;
  spec.out_dir = folder.file("model");
  spec.channels = {8, 16};
  spec.options.steps = steps;
  spec.options.batch_size = 4;
  spec.options.warmup_steps = 2;
  spec.log_every = 1;
  spec.checkpoint_every = 1000;  // only the pause or the end checkpoints
  return spec;
}

// Asks for `request` once the run has made `after` steps; records what it is told.
class ScriptedObserver : public TrainingObserver {
 public:
  ScriptedObserver(TrainingRequest request, int64_t after) : request_(request), after_(after) {}
  void progress(const TrainingProgress& p) override { steps.push_back(p.step); }
  void stepped(const Trainer& trainer) override { done_ = trainer.steps_done(); }
  void paused(int64_t step) override { paused_at = step; }
  void finished(const std::string& model, int64_t step) override {
    finished_model = model;
    finished_at = step;
  }
  TrainingRequest request() override {
    return done_ >= after_ ? request_ : TrainingRequest::Continue;
  }

  std::vector<int64_t> steps;
  int64_t paused_at = -1;
  int64_t finished_at = -1;
  std::string finished_model;

 private:
  TrainingRequest request_;
  int64_t after_;
  int64_t done_ = 0;
};

TEST(TrainingProtocolTest, PauseCheckpointsAndAResumeGoesOnFromThere) {
  const test::TempFolder folder;
  const TrainingData data = tiny_data();
  TrainingRunSpec spec = tiny_spec(folder, 8);
  std::ostringstream log;
  ScriptedObserver pausing(TrainingRequest::Pause, 3);
  run_training(data, spec, log, &pausing);
  EXPECT_EQ(pausing.paused_at, 3);
  EXPECT_EQ(pausing.finished_at, -1);
  EXPECT_EQ(pausing.steps, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(fs::exists(training_work_folder(spec) + "/checkpoint.pt"));
  EXPECT_FALSE(fs::exists(spec.out_dir + "/model_index.json"));

  spec.resume = true;
  ScriptedObserver resumed(TrainingRequest::Continue, 0);
  run_training(data, spec, log, &resumed);
  ASSERT_FALSE(resumed.steps.empty());
  EXPECT_EQ(resumed.steps.front(), 4);
  EXPECT_EQ(resumed.finished_at, 8);
  EXPECT_EQ(resumed.finished_model, spec.out_dir);
  EXPECT_TRUE(fs::exists(spec.out_dir + "/model_index.json"));
}

TEST(TrainingProtocolTest, StopWritesTheModelAtTheCurrentStep) {
  const test::TempFolder folder;
  const TrainingRunSpec spec = tiny_spec(folder, 50);
  std::ostringstream log;
  ScriptedObserver stopping(TrainingRequest::Stop, 2);
  run_training(tiny_data(), spec, log, &stopping);
  EXPECT_EQ(stopping.finished_at, 2);
  EXPECT_EQ(stopping.paused_at, -1);
  EXPECT_TRUE(fs::exists(spec.out_dir + "/model_index.json"));
  EXPECT_NE(log.str().find("step 2"), std::string::npos) << log.str();
}

TEST(TrainingProtocolTest, ProgressLinesAreOneJsonObjectEach) {
  std::ostringstream out;
  app::JsonTrainingProgress json(out, nullptr, nullptr, 0);
  json.progress({120, 2000, 0.031, 1.9, 980});
  json.checkpointed(200);
  json.checkpointed(200);  // the interval's and the end's checkpoint of one step: one line
  json.paused(230);
  json.finished("/m \"quoted\"", 2000);
  EXPECT_EQ(json.request(), TrainingRequest::Continue);
  std::istringstream lines(out.str() + app::training_error_line("bad \"--steps\"") + "\n");
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(lines, line);) {
    events.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["event"], "step");
  EXPECT_EQ(events[0]["step"], 120);
  EXPECT_EQ(events[0]["steps"], 2000);
  EXPECT_DOUBLE_EQ(events[0]["loss"].get<double>(), 0.031);
  EXPECT_DOUBLE_EQ(events[0]["it_s"].get<double>(), 1.9);
  EXPECT_DOUBLE_EQ(events[0]["eta_s"].get<double>(), 980);
  EXPECT_EQ(events[1], (nlohmann::json{{"event", "checkpoint"}, {"step", 200}}));
  EXPECT_EQ(events[2], (nlohmann::json{{"event", "paused"}, {"step", 230}}));
  EXPECT_EQ(events[3]["model"], "/m \"quoted\"");
  EXPECT_EQ(events[4], (nlohmann::json{{"event", "error"}, {"message", "bad \"--steps\""}}));
}

// What the training window's preview lists as skipped: each file with why.
TEST(TrainingProtocolTest, ImageFolderListsTheSkippedFilesWithTheirReasons) {
  const test::TempFolder folder;
  Image8 image{8, 8, 3, std::vector<uint8_t>(8 * 8 * 3, 200)};
  fs::create_directories(folder.file("cats"));
  write_image(folder.file("cats/a.png"), image);
  write_image(folder.file("cats/b.png"), image);
  write_image(folder.file("loose.png"), image);
  std::ofstream(folder.file("cats/broken.png")) << "no image";
  std::ostringstream warnings;
  const ImageFolder loaded = load_image_folder(folder.path(), {8, true}, warnings);
  EXPECT_EQ(loaded.data.size(), 2);
  EXPECT_EQ(loaded.skipped, 1);
  ASSERT_EQ(loaded.skipped_files.size(), 2u);
  EXPECT_EQ(loaded.skipped_files[0].file, "loose.png");
  EXPECT_EQ(loaded.skipped_files[0].reason, "lies in no class subfolder");
  EXPECT_EQ(loaded.skipped_files[1].file, "cats/broken.png");
  EXPECT_EQ(loaded.skipped_files[1].reason, "not a PNG, JPEG, WebP, BMP or TIFF file");
}

}  // namespace
}  // namespace emergence
