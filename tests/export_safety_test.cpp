// Exports never leave a truncated or half-finished file under a final name, never replace a file
// without being allowed to, and explain every failure.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/file_sink.h"
#include "core/media/export/trajectory_export.h"
#include "export_synthetic.h"

namespace emergence {
namespace {

using test::read_bytes;
using test::synthetic_trajectory;
using test::TempFolder;

// A disk that fills up: after `budget` bytes in total it writes what still fits, leaves that
// truncated file behind (as a real full disk does) and reports ENOSPC.
class FullDiskSink : public FileSink {
 public:
  explicit FullDiskSink(size_t budget) : budget_(budget) {}
  bool write_file(const std::string& path, const uint8_t* data, size_t size,
                  std::string& reason) override {
    const size_t fits = std::min(size, budget_);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), fits);
    budget_ -= fits;
    if (fits < size) {
      reason = "No space left on device";
      return false;
    }
    return true;
  }

 private:
  size_t budget_;
};

ExportSettings settings_for(ExportFormat format, const std::string& folder) {
  ExportSettings s;
  s.format = format;
  s.directory = folder;
  s.base_name = "run";
  s.scale = 2;
  return s;
}

std::string error_of(const Trajectory& t, const ExportSettings& s, const ExportControl& c = {}) {
  try {
    export_trajectory(t, s, c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ExportSafety, RefusesToOverwriteWithoutConsent) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(5);
  ExportSettings s = settings_for(ExportFormat::Gif, folder.path());
  export_trajectory(t, s);
  const std::vector<uint8_t> before = read_bytes(folder.file("run.gif"));
  s.scale = 3;  // a different file would come out
  const std::string message = error_of(t, s);
  EXPECT_NE(message.find(folder.file("run.gif") + " already exists"), std::string::npos) << message;
  EXPECT_NE(message.find("--overwrite"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(folder.file("run.gif")), before);
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"run.gif", "run.gif.json"}));
  s.overwrite = true;
  export_trajectory(t, s);
  EXPECT_NE(read_bytes(folder.file("run.gif")), before);
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"run.gif", "run.gif.json"}));
}

TEST(ExportSafety, OneExistingFrameOfASequenceBlocksTheWholeExport) {
  TempFolder folder;
  std::ofstream(folder.file("run_0002.png")) << "mine";
  const std::string message =
      error_of(synthetic_trajectory(5), settings_for(ExportFormat::PngSequence, folder.path()));
  EXPECT_NE(message.find("run_0002.png already exists"), std::string::npos) << message;
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"run_0002.png"}));
}

TEST(ExportSafety, ShorterSequenceReplacesTheWholeEarlierOne) {
  TempFolder folder;
  ExportSettings s = settings_for(ExportFormat::PngSequence, folder.path());
  export_trajectory(synthetic_trajectory(6), s);  // run_0000 … run_0005
  std::ofstream(folder.file("run_0100.png")) << "mine";
  s.overwrite = true;
  s.stride = 2;  // frames 0, 2, 4, 5 → run_0000 … run_0003
  export_trajectory(synthetic_trajectory(6), s);
  EXPECT_EQ(folder.entries(),
            (std::vector<std::string>{"run_0000.png", "run_0001.png", "run_0002.png",
                                      "run_0003.png", "run_0100.png", "run_frames.json"}));
}

// Tests run as root, for whom chmod does not block writes; a folder below a regular file fails
// for everyone (ENOTDIR), and so does /proc.
TEST(ExportSafety, UnwritableFolderGivesAClearError) {
  TempFolder folder;
  std::ofstream(folder.file("plain_file")) << "x";
  const std::string below_file = folder.file("plain_file") + "/exports";
  const std::string message =
      error_of(synthetic_trajectory(3), settings_for(ExportFormat::Gif, below_file));
  EXPECT_NE(message.find("cannot create folder " + below_file), std::string::npos) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"plain_file"}));

  const std::string proc_message =
      error_of(synthetic_trajectory(3), settings_for(ExportFormat::Gif, "/proc"));
  EXPECT_NE(proc_message.find("cannot write into folder /proc"), std::string::npos) << proc_message;
}

TEST(ExportSafety, FullDiskLeavesNothingBehindInEveryFormat) {
  const Trajectory t = synthetic_trajectory(7);
  for (ExportFormat format :
       {ExportFormat::PngSequence, ExportFormat::Gif, ExportFormat::Mp4, ExportFormat::WebP,
        ExportFormat::ContactSheet, ExportFormat::Still}) {
    // First measure the export, then let the disk fill up half-way through it.
    TempFolder reference;
    const ExportResult full = export_trajectory(t, settings_for(format, reference.path()));
    TempFolder folder;
    FullDiskSink sink(full.bytes / 2);
    ExportControl control;
    control.sink = &sink;
    const std::string message = error_of(t, settings_for(format, folder.path()), control);
    EXPECT_NE(message.find("cannot write " + folder.path() + "/run"), std::string::npos)
        << to_string(format) << ": " << message;
    EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
    EXPECT_TRUE(folder.entries().empty())
        << to_string(format) << " left " << folder.entries().front();
  }
}

TEST(ExportSafety, FullTmpfsLeavesNothingBehind) {
  TempFolder folder;
  const std::string mount_point = folder.file("small");
  std::filesystem::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=64k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root); the FullDiskSink test covers this";
  }
  const Trajectory t = synthetic_trajectory(9, 32);
  ExportSettings s = settings_for(ExportFormat::PngSequence, mount_point);
  s.scale = 8;  // nine 256×256 noisy PNGs: far more than 64 KiB
  const std::string message = error_of(t, s);
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(mount_point)) {
    left.push_back(entry.path().filename().string());
  }
  ::umount(mount_point.c_str());
  EXPECT_NE(message.find("No space left on device"), std::string::npos) << message;
  EXPECT_TRUE(left.empty()) << "left " << left.front();
}

// A disk that kills the process half-way through writing the second file, as a power cut or
// `kill -9` would.
class KillingSink : public FileSink {
 public:
  bool write_file(const std::string& path, const uint8_t* data, size_t size,
                  std::string& reason) override {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), files_++ == 0 ? size : size / 2);
    out.flush();
    ::raise(SIGKILL);
    return true;
  }

 private:
  int files_ = 0;
};

TEST(ExportSafety, KilledExportLeavesNoFinalFileAndTheNextExportCleansUp) {
  TempFolder folder;
  const Trajectory t = synthetic_trajectory(5);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    KillingSink sink;
    ExportControl control;
    control.sink = &sink;
    export_trajectory(t, settings_for(ExportFormat::PngSequence, folder.path()), control);
    ::_exit(0);  // not reached: the sink kills the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // Only the hidden staging folder is left; no file appeared under a final name.
  const std::vector<std::string> left = folder.entries();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().rfind(".emergence.tmp-" + std::to_string(child) + "-", 0), 0u)
      << left.front();
  export_trajectory(t, settings_for(ExportFormat::Gif, folder.path()));
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"run.gif", "run.gif.json"}));
}

TEST(ExportSafety, CancelStopsAndRemovesPartialOutput) {
  TempFolder folder;
  std::atomic<bool> cancel{false};
  std::vector<int> seen;
  ExportControl control;
  control.cancel = &cancel;
  control.progress = [&](int done, int total) {
    seen.push_back(done);
    if (done == 3) {
      cancel = true;
    }
  };
  for (ExportFormat format : {ExportFormat::PngSequence, ExportFormat::Gif}) {
    cancel = false;
    seen.clear();
    const ExportResult result =
        export_trajectory(synthetic_trajectory(9), settings_for(format, folder.path()), control);
    EXPECT_TRUE(result.cancelled) << to_string(format);
    EXPECT_TRUE(result.files.empty());
    EXPECT_EQ(seen.back(), 3) << "frames kept coming after cancel";
    EXPECT_TRUE(folder.entries().empty()) << to_string(format);
  }
}

TEST(ExportSafety, ProgressCountsUpToTheTotal) {
  TempFolder folder;
  std::vector<std::pair<int, int>> seen;
  ExportControl control;
  control.progress = [&](int done, int total) { seen.emplace_back(done, total); };
  const ExportResult result = export_trajectory(
      synthetic_trajectory(9), settings_for(ExportFormat::WebP, folder.path()), control);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), std::make_pair(0, 10));  // nine frames and the write
  EXPECT_EQ(seen.back(), std::make_pair(10, 10));
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].first, seen[i - 1].first);
  }
  EXPECT_EQ(result.files.size(), 2u);
}

TEST(ExportSafety, BadSettingsNameTheSettingAndRange) {
  const Trajectory t = synthetic_trajectory(5);
  TempFolder folder;
  ExportSettings s = settings_for(ExportFormat::Gif, folder.path());
  s.scale = 0;
  EXPECT_NE(error_of(t, s).find("scale must be in [1, 64]"), std::string::npos);
  s = settings_for(ExportFormat::Gif, folder.path());
  s.last_frame = 7;
  EXPECT_NE(error_of(t, s).find("range must lie in [0, 4]"), std::string::npos) << error_of(t, s);
  s = settings_for(ExportFormat::Gif, folder.path());
  s.base_name = "../escape";
  EXPECT_NE(error_of(t, s).find("file name must"), std::string::npos);
  EXPECT_NE(
      error_of(Trajectory{}, settings_for(ExportFormat::Gif, folder.path())).find("no frames"),
      std::string::npos);
  EXPECT_TRUE(folder.entries().empty());
}

}  // namespace
}  // namespace emergence
