#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

// The harness of the crash-safety suite (crash_safe_files_test.cpp): a writer run in forked
// children killed (SIGKILL) at each of its file-system calls in turn (kill_points.h), each outcome
// checked against the old and the new version of what it writes.
namespace emergence::test {

// A folder's whole content: relative path → bytes; folders as "path/" → "".
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const std::string& folder);

// Runs work in a forked child, armed to die at its kill_point-th file-system call (0: never),
// and returns what work returned; nothing when the child was killed. Throws when it failed.
std::optional<std::string> run_in_child(const std::function<std::string()>& work, long kill_point);

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

// Writes the old version, then kills the writer of the new one at its first call, its second, …
// until it finishes; after each kill the next start's cleanup must leave the old or the new
// version (a committed set's recovery is itself killed at each of its calls). Fails the test
// otherwise.
Tally kill_everywhere(const Kind& kind);

// One line: how many kill points, and what they left.
void report(const std::string& what, const Tally& tally);

}  // namespace emergence::test
