// Crash-safe files, proven (issue 17, item 4). For each kind of file Emergence writes, a child
// process writes a new version over an old one and is killed (SIGKILL) at its first file-system
// call, then, in a fresh copy of the old version, at its second, and so on until a run finishes
// (kill_points.h). After each kill, the cleanup that the next start runs must leave the old files
// or the new files, byte for byte, and no temporary. When a kill leaves a committed set to be
// moved into place, that cleanup is itself killed at each of its calls and then run again.
//
// fork() copies only the calling thread, so the parent never starts one: it runs no torch and no
// encoder, only the children do, and ctest sets OPENBLAS_NUM_THREADS=1 (else OpenBLAS starts its
// pool when it is loaded). Every fork checks that the parent has one thread.
#include <ATen/Parallel.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <unistd.h>

#include <QString>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>

#include "app/destination_checks.h"
#include "core/atomic_file.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "core/model/model_folder.h"
#include "core/training/default_unet_config.h"
#include "core/training/trainer.h"
#include "core/training/training_run.h"
#include "export_synthetic.h"
#include "kill_everywhere.h"
#include "kill_points.h"
#include "ui/save_frame.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::kill_everywhere;
using test::Kind;
using test::report;
using test::run_in_child;
using test::Snapshot;
using test::snapshot;
using test::TempFolder;

// Exports: every format, and its sidecar. The new PNG sequence is shorter than the old one, so
// its commit also removes the frames it supersedes.
ExportSettings export_settings(ExportFormat format, const std::string& folder, int version) {
  ExportSettings s;
  s.format = format;
  s.directory = folder;
  s.base_name = "run";
  s.overwrite = true;
  s.scale = version == 0 ? 2 : 3;
  s.stride = format == ExportFormat::PngSequence && version == 1 ? 2 : 1;
  return s;
}

class CrashSafeExport : public ::testing::TestWithParam<ExportFormat> {};

TEST_P(CrashSafeExport, KilledAnywhereLeavesTheOldOrTheNewExport) {
  TempFolder scratch;  // the MP4 encoder's scratch file goes to TMPDIR
  const ExportFormat format = GetParam();
  const Kind kind{[&](const std::string& folder, int version) {
                    ::setenv("TMPDIR", scratch.path().c_str(), 1);
                    export_trajectory(test::synthetic_trajectory(6),
                                      export_settings(format, folder, version));
                  },
                  [](const std::string& folder) { app::check_output_folder("export", folder); }};
  report(to_string(format) + " export", kill_everywhere(kind));
}

INSTANTIATE_TEST_SUITE_P(AllFormats, CrashSafeExport,
                         ::testing::Values(ExportFormat::PngSequence, ExportFormat::Gif,
                                           ExportFormat::WebP, ExportFormat::Mp4,
                                           ExportFormat::ContactSheet, ExportFormat::Still),
                         [](const auto& info) { return to_string(info.param); });

// "Save current frame" in the window, and `generate --out`.
TEST(CrashSafeFiles, SavedFrameIsTheOldOrTheNewOne) {
  const Kind kind{[](const std::string& folder, int version) {
                    ui::save_frame_png(test::synthetic_trajectory(6), 5 - version,
                                       ui::FrameView::NoisyState, 4, false,
                                       QString::fromStdString(folder + "/frame.png"), true);
                  },
                  [](const std::string& folder) {
                    app::check_new_image("--out", folder + "/frame.png", true);
                  }};
  report("saved frame", kill_everywhere(kind));
}

TEST(CrashSafeFiles, GeneratedImageIsTheOldOrTheNewOne) {
  const Kind kind{[](const std::string& folder, int version) {
                    const Trajectory run = test::synthetic_trajectory(6);
                    write_image(folder + "/image.png", run.frames[5 - version]->views[0],
                                generation_png_text(run.params));
                  },
                  [](const std::string& folder) {
                    app::check_new_image("--out", folder + "/image.png", true);
                  }};
  report("generated image", kill_everywhere(kind));
}

TEST(CrashSafeFiles, ModelFolderIsTheOldOrTheNewModel) {
  const Kind kind{
      [](const std::string& folder, int version) {
        at::set_num_threads(1);
        torch::manual_seed(version);
        const UNet2DConfig config = default_unet_config(8, 3, {8, 16}, 2);
        UNet2DModel model(config);
        ModelLabels labels;
        labels.class_names = version == 0 ? std::vector<std::string>{"old a", "old b"}
                                          : std::vector<std::string>{"new a", "new b"};
        labels.null_class = version == 1;
        save_model_folder(folder, config, model, {{"_class_name", "DDPMScheduler"}}, labels);
      },
      [](const std::string& folder) { read_model_folder(folder); }};
  report("model folder", kill_everywhere(kind));
}

TrainingData checkpoint_data() {
  TrainingData data;
  data.images = torch::linspace(-1, 1, 4 * 3 * 8 * 8).reshape({4, 3, 8, 8});
  data.labels = torch::tensor({0, 0, 1, 1}, torch::kInt64);
  data.class_names = {"left", "right"};
  return data;
}

// libtorch writes AdamW's state in the order of a hash map keyed by tensor addresses, so two
// checkpoints of the same state differ in bytes. What must match is what resuming reads: the step,
// the loss and the weights (read in a child, as the parent runs no torch).
std::string resumed_state(const std::string& path) {
  at::set_num_threads(1);
  try {
    const auto trainer = Trainer::resume(path, checkpoint_data());
    std::string state = "step " + std::to_string(trainer->steps_done()) + ", loss " +
                        std::to_string(trainer->smoothed_loss()) + ", weights ";
    for (const torch::Tensor& p : trainer->model()->parameters()) {
      state.append(static_cast<const char*>(p.data_ptr()), p.nbytes());
    }
    return state;
  } catch (const std::exception& e) {
    return std::string("unreadable: ") + e.what();
  }
}

TEST(CrashSafeFiles, CheckpointIsTheOldOrTheNewOne) {
  Kind kind{[](const std::string& folder, int version) {
              at::set_num_threads(1);
              TrainerOptions options;
              options.batch_size = 4;
              options.seed = 7;
              Trainer trainer(default_unet_config(8, 3, {8, 16}, 2), checkpoint_data(), options);
              for (int i = 0; i <= version; ++i) {
                trainer.step();
              }
              trainer.save_checkpoint(folder + "/checkpoint.pt");
            },
            [](const std::string& folder) {
              TrainingRunSpec spec;
              spec.out_dir = folder + "/model";
              spec.work_dir = folder;
              spec.resume = true;
              check_training_destinations(spec);
            }};
  kind.read = [](const std::string& folder) {
    Snapshot files = snapshot(folder);
    if (files.count("checkpoint.pt")) {
      files["checkpoint.pt"] =
          *run_in_child([&] { return resumed_state(folder + "/checkpoint.pt"); }, 0);
    }
    return files;
  };
  report("training checkpoint", kill_everywhere(kind));
}

}  // namespace
}  // namespace emergence
