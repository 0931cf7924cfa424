#include "kill_everywhere.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>

#include "core/atomic_file.h"
#include "kill_points.h"
#include "temp_folder.h"

namespace emergence::test {
namespace {

namespace fs = std::filesystem;

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

bool killed_in_child(const std::function<void()>& work, long kill_point) {
  return !run_in_child(
              [&] {
                work();
                return std::string();
              },
              kill_point)
              .has_value();
}

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

}  // namespace

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

void report(const std::string& what, const Tally& tally) {
  std::cout << what << ": killed at " << tally.kill_points << " calls (" << tally.old_after
            << " left the old files, " << tally.new_after << " the new); its recovery killed at "
            << tally.recovery_kill_points << " calls\n";
}

}  // namespace emergence::test
