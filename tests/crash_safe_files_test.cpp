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
#include "kill_points.h"
#include "ui/save_frame.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::TempFolder;

// A folder's whole content: relative path → bytes; folders as "path/" → "".
using Snapshot = std::map<std::string, std::string>;

Snapshot snapshot(const std::string& folder) {
  Snapshot files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    const std::string name = fs::relative(entry.path(), folder).generic_string();
    if (entry.is_directory()) {
      files[name + "/"] = "";
    } else {
      std::ifstream in(entry.path(), std::ios::binary);
      files[name].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return files;
}

void restore(const Snapshot& files, const std::string& folder) {
  for (const auto& [name, bytes] : files) {
    const fs::path path = fs::path(folder) / name;
    if (name.back() == '/') {
      fs::create_directories(path);
    } else {
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << bytes;
    }
  }
}

// What differs, for a failure message.
std::string difference(const Snapshot& got, const Snapshot& old_files, const Snapshot& new_files) {
  std::string text = "neither the old nor the new files:";
  for (const auto& [name, bytes] : got) {
    const bool is_old = old_files.count(name) && old_files.at(name) == bytes;
    const bool is_new = new_files.count(name) && new_files.at(name) == bytes;
    text += "\n  " + name + " (" + std::to_string(bytes.size()) + " bytes): " +
            (is_old && is_new ? "same in both"
             : is_old         ? "old"
             : is_new         ? "new"
                              : "NEITHER") +
            (is_temporary_name(fs::path(name).filename().string()) ? ", a temporary" : "");
  }
  for (const Snapshot* expected : {&old_files, &new_files}) {
    for (const auto& item : *expected) {
      if (!got.count(item.first)) {
        text += "\n  missing " + item.first + (expected == &old_files ? " (old)" : " (new)");
      }
    }
  }
  return text;
}

int thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) {
      return std::stoi(line.substr(8));
    }
  }
  return -1;
}

// Runs work in a forked child, armed to die at its kill_point-th file-system call (0: never),
// and returns what work returned; nothing when the child was killed. Throws when it failed.
std::optional<std::string> run_in_child(const std::function<std::string()>& work, long kill_point) {
  if (thread_count() != 1) {
    throw std::runtime_error("the test process has " + std::to_string(thread_count()) +
                             " threads, so fork() is unsafe (run it with OPENBLAS_NUM_THREADS=1, "
                             "as ctest does)");
  }
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::cout.flush();
  const pid_t child = ::fork();
  if (child < 0) {
    throw std::runtime_error("fork failed");
  }
  if (child == 0) {
    ::close(pipe_fds[0]);
    test::kill_at_call(kill_point);
    std::string result;
    int code = 0;
    try {
      result = work();
    } catch (const std::exception& e) {
      result = e.what();
      code = 3;
    }
    test::kill_at_call(0);
    for (size_t done = 0; done < result.size();) {
      const ssize_t n = ::write(pipe_fds[1], result.data() + done, result.size() - done);
      if (n <= 0) {
        ::_exit(4);
      }
      done += static_cast<size_t>(n);
    }
    ::_exit(code);
  }
  ::close(pipe_fds[1]);
  std::string result;
  char buffer[65536];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    result.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  if (::waitpid(child, &status, 0) != child) {
    throw std::runtime_error("waitpid failed");
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    return std::nullopt;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("the child failed (status " + std::to_string(status) + "): " + result);
  }
  return result;
}

bool killed_in_child(const std::function<void()>& work, long kill_point) {
  return !run_in_child(
              [&] {
                work();
                return std::string();
              },
              kill_point)
              .has_value();
}

// One kind of file: how a child writes version 0 (old) or 1 (new) into a folder, the cleanup the
// next start runs there, and what of the folder must equal the old or the new version: its
// bytes, unless a format is not byte-for-byte reproducible.
struct Kind {
  std::function<void(const std::string& folder, int version)> write;
  std::function<void(const std::string& folder)> next_start;
  std::function<Snapshot(const std::string& folder)> read = snapshot;
};

struct Tally {
  int kill_points = 0;  // runs of the writer killed part-way
  int old_after = 0;    // of those, the ones that left the old files
  int new_after = 0;    // and the new
  int recovery_kill_points = 0;
};

struct Version {
  Snapshot files;     // its bytes, to put in place before each run
  Snapshot contents;  // kind.read of them, to compare with
};

Version written(const Kind& kind, int version) {
  TempFolder folder;
  if (killed_in_child([&] { kind.write(folder.path(), version); }, 0)) {
    throw std::runtime_error("the reference writer was killed");
  }
  return {snapshot(folder.path()), kind.read(folder.path())};
}

bool has_commit_file(const Snapshot& files) {
  for (const auto& item : files) {
    const fs::path path(item.first);
    if (path.filename() == "commit.json" &&
        is_temporary_name(path.parent_path().filename().string())) {
      return true;
    }
  }
  return false;
}

Tally kill_everywhere(const Kind& kind) {
  const Version old_version = written(kind, 0);
  const Snapshot& old_files = old_version.contents;
  const Snapshot new_files = written(kind, 1).contents;
  EXPECT_TRUE(old_files != new_files) << "the old and the new version are the same";
  const Snapshot again = written(kind, 1).contents;
  EXPECT_TRUE(again == new_files) << "the writer is not deterministic: "
                                  << difference(again, old_files, new_files);
  Tally tally;
  for (long point = 1;; ++point) {
    TempFolder folder;
    restore(old_version.files, folder.path());
    const bool killed = killed_in_child([&] { kind.write(folder.path(), 1); }, point);
    const Snapshot left = snapshot(folder.path());
    kind.next_start(folder.path());
    const Snapshot after = kind.read(folder.path());
    if (!killed) {
      EXPECT_TRUE(after == new_files)
          << "a finished write left " << difference(after, old_files, new_files);
      break;
    }
    ++tally.kill_points;
    if (after == old_files) {
      ++tally.old_after;
    } else if (after == new_files) {
      ++tally.new_after;
    } else {
      ADD_FAILURE() << "killed at call " << point << ", after the next start's cleanup "
                    << difference(after, old_files, new_files);
    }
    // The first kill after a set's commit.json leaves its whole completion to do: kill that too,
    // at each of its calls, and complete it again (later kills leave a part of the same work).
    if (tally.recovery_kill_points == 0 && has_commit_file(left)) {
      for (long recovery_point = 1;; ++recovery_point) {
        TempFolder again;
        restore(left, again.path());
        const bool recovery_killed =
            killed_in_child([&] { kind.next_start(again.path()); }, recovery_point);
        kind.next_start(again.path());
        const Snapshot recovered = kind.read(again.path());
        EXPECT_TRUE(recovered == new_files)
            << "killed at call " << point << ", its recovery at call " << recovery_point << ": "
            << difference(recovered, old_files, new_files);
        if (!recovery_killed) {
          break;
        }
        ++tally.recovery_kill_points;
      }
    }
    if (point > 5000) {
      ADD_FAILURE() << "the writer never finished";
      break;
    }
  }
  // Kills before the commit must leave the old files and kills after it the new ones; seeing both
  // shows that the kill points span the whole write.
  EXPECT_GT(tally.old_after, 0);
  EXPECT_GT(tally.new_after, 0);
  return tally;
}

// The folders live on tmpfs where there is one: its fsync costs nothing, and a SIGKILL, unlike a
// power cut, loses nothing a process wrote, so the outcome of each kill is the same as on disk.
class FoldersOnTmpfs : public ::testing::Environment {
 public:
  void SetUp() override {
    std::error_code ec;
    if (fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) {
      ::setenv("TMPDIR", "/dev/shm", 1);
    }
  }
};
const auto* const kFoldersOnTmpfs = ::testing::AddGlobalTestEnvironment(new FoldersOnTmpfs);

void report(const std::string& what, const Tally& tally) {
  std::cout << what << ": killed at " << tally.kill_points << " calls (" << tally.old_after
            << " left the old files, " << tally.new_after << " the new); its recovery killed at "
            << tally.recovery_kill_points << " calls\n";
}

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
  const Kind kind{[](const std::string& folder, int version) {
                    at::set_num_threads(1);
                    torch::manual_seed(version);
                    const UNet2DConfig config = default_unet_config(8, 3, {8, 16}, 2);
                    UNet2DModel model(config);
                    save_model_folder(folder, config, model, {{"_class_name", "DDPMScheduler"}},
                                      version == 0 ? std::vector<std::string>{"old a", "old b"}
                                                   : std::vector<std::string>{"new a", "new b"},
                                      version == 1);
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
