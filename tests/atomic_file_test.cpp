// The crash-safe writer's pieces (core/atomic_file.h, recover_folder); tests/crash_safe_files_test
// kills real writers.
#include "core/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/staged_output.h"
#include "temp_folder.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;
using test::TempFolder;

// A dead writer's temporaries go, a live one's stay: this process's own stand for a live one.
TEST(AtomicFile, RecoveryRemovesOnlyDeadWritersTemporaries) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::_exit(0);
  }
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  const std::string dead = ".run.gif.tmp-" + std::to_string(child) + "-0";
  EXPECT_TRUE(is_stale_temporary(dead));
  TempFolder folder;
  std::ofstream(folder.file(dead)) << "cut off";
  fs::create_directories(folder.file(".emergence.tmp-" + std::to_string(child) + "-1/files"));
  std::ofstream(folder.file(temporary_name("mine.png"))) << "being written";
  fs::create_directory(folder.file(temporary_name("emergence")));
  std::ofstream(folder.file("run.gif")) << "kept";
  const std::vector<std::string> before = folder.entries();
  recover_folder(folder.path());
  std::vector<std::string> live;
  for (const std::string& name : before) {
    if (name.find(std::to_string(child)) == std::string::npos) {
      live.push_back(name);
    }
  }
  EXPECT_EQ(folder.entries(), live);
  EXPECT_EQ(live.size(), 3u);
}

TEST(AtomicFile, TemporaryNamesAreRecognised) {
  const std::string name = temporary_name("run.gif");
  EXPECT_EQ(name.rfind(".run.gif.tmp-" + std::to_string(::getpid()) + "-", 0), 0u) << name;
  EXPECT_TRUE(is_temporary_name(name));
  EXPECT_FALSE(is_stale_temporary(name));  // ours
  for (const char* plain : {"run.gif", ".run.gif", ".tmp-1-2", ".a.tmp-", ".a.tmp-12", ".a.tmp-x-1",
                            ".a.tmp-1-", ".a.tmp-1-2-3", "a.tmp-1-2"}) {
    EXPECT_FALSE(is_temporary_name(plain)) << plain;
  }
}

TEST(AtomicFile, FailedWriteNamesThePathAndLeavesNothing) {
  TempFolder folder;
  const std::string path = folder.file("missing/out.png");
  try {
    write_file_atomically(path, std::string("bytes"));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write " + path + ": No such file or directory");
  }
  fs::create_directory(folder.file("a_folder"));
  EXPECT_THROW(write_file_atomically(folder.file("a_folder"), std::string("bytes")), Error);
  EXPECT_EQ(folder.entries(), (std::vector<std::string>{"a_folder"}));
}

}  // namespace
}  // namespace emergence
