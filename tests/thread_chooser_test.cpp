// ThreadChooser: the thread count of a run's model calls, picked from their measured times. The
// times here are given, not measured, so each test asserts a decision, not a speed.
#include "core/thread_chooser.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "core/cpu_threads.h"
#include "core/error.h"

namespace emergence {
namespace {

// Runs `calls` calls whose time depends on the thread count (and the call number); returns how
// many calls used each count.
std::map<int, int> run(ThreadChooser& chooser, int calls,
                       const std::function<double(int threads, int call)>& seconds) {
  std::map<int, int> used;
  for (int i = 0; i < calls; ++i) {
    const int threads = chooser.next();
    ++used[threads];
    chooser.record(seconds(threads, i));
  }
  return used;
}

TEST(ThreadChooser, KeepsEveryCoreWhenThatIsFaster) {
  ThreadChooser chooser(2);
  const auto used = run(chooser, 200, [](int threads, int) { return 0.010 / threads; });
  EXPECT_EQ(chooser.next(), 2);
  EXPECT_GE(used.at(2), 190);  // one thread only for its probes
}

TEST(ThreadChooser, FallsBackToOneThreadOnABusyMachine) {
  // Issue 17's figures: 773 ms per step on 2 threads with the other core busy, 33.5 ms on 1.
  ThreadChooser chooser(2);
  const auto used =
      run(chooser, 200, [](int threads, int) { return threads == 2 ? 0.773 : 0.0335; });
  EXPECT_EQ(chooser.next(), 1);
  EXPECT_LE(used.at(2), 1);  // its first probe; a re-check would come after 368 calls
}

TEST(ThreadChooser, FollowsTheMachineWhenItsLoadChanges) {
  ThreadChooser chooser(2);
  // Idle for 100 calls (two threads win), then the other core turns busy.
  const auto busy_after_100 = [](int threads, int call) {
    return call < 100 ? 0.010 / threads : (threads == 2 ? 0.2 : 0.01);
  };
  run(chooser, 100, busy_after_100);
  EXPECT_EQ(chooser.next(), 2);
  const auto used =
      run(chooser, 100, [&](int threads, int call) { return busy_after_100(threads, call + 100); });
  EXPECT_EQ(chooser.next(), 1);
  EXPECT_LE(used.at(2), 3);  // two slow calls in a row trigger the re-check at once

  // The other core frees again: the next re-check, within 16 x 20 calls, finds two threads faster.
  const auto freed = run(chooser, 600, [](int threads, int) { return 0.010 / threads; });
  EXPECT_EQ(chooser.next(), 2);
  EXPECT_GE(freed.at(2), 600 - 16 * 20);
}

TEST(ThreadChooser, HalvesDownToOneOnLargerMachines) {
  ThreadChooser chooser(16);
  // Eight threads are fastest here; the chooser must try 16, 8, 4, 2 and 1.
  std::map<int, int> tried =
      run(chooser, 12, [](int threads, int) { return threads == 8 ? 0.001 : 0.002; });
  EXPECT_EQ(tried.size(), 5u);
  EXPECT_EQ(chooser.next(), 8);
}

TEST(ThreadChooser, AFixedCountIsKept) {
  ThreadChooser chooser(3, /*choose=*/false);
  const auto used = run(chooser, 50, [](int threads, int) { return threads == 3 ? 1.0 : 0.001; });
  EXPECT_EQ(used.size(), 1u);
  EXPECT_EQ(used.begin()->first, 3);
}

TEST(CpuThreads, CountsPhysicalCoresAndChecksTheOption) {
  EXPECT_GE(physical_core_count(), 1);
  EXPECT_THROW(use_threads(-1), Error);
  EXPECT_THROW(use_threads(257), Error);
  use_threads(1);
  EXPECT_EQ(fixed_threads(), 1);
  use_threads(0);
  EXPECT_EQ(fixed_threads(), 0);
}

}  // namespace
}  // namespace emergence
