#pragma once

#include <vector>

namespace emergence {

// Picks the intra-op thread count for a run's model calls from their measured times. More threads
// are not always faster: while the other cores are busy, OpenMP threads that spin-wait for each
// other make two threads far slower than one (issue 17 measured 773 ms against 33.5 ms per step
// of the built-in model), and a small model gains little from splitting its work at all.
//
// The candidates are `max_threads`, halved down to 1. After one untimed warm-up call on one thread
// (never the disastrous choice) each candidate is timed on a real call, those within 2x of the
// fastest on a second one, and the fastest is kept. It is checked again against the others, one
// call each, after 16 calls (or more, so that the re-checks cost at most 1/16 of the time: 368
// calls when the loser is 23x slower), twice as long each time it wins again (up to 512), and at
// once when two calls in a row take more than twice the best time seen with it.
class ThreadChooser {
 public:
  // The process's setting (cpu_threads.h): the count --threads fixed, else a choice between one
  // thread and every physical core.
  static ThreadChooser for_this_process();

  // choose = false: always max_threads (a count the user fixed).
  explicit ThreadChooser(int max_threads, bool choose = true);

  // The thread count to use for the next call.
  int next() const { return candidates_[current_]; }
  // How long the call made with next() took.
  void record(double seconds);

 private:
  void queue_probes(const std::vector<int>& candidates);
  void probe_all();
  void choose();

  std::vector<int> candidates_;  // descending
  std::vector<double> best_;     // fastest time seen per candidate in the probes, 0 = none yet
  std::vector<int> probes_;      // candidate indices still to time, next at the back
  int current_ = 0;              // index of next()
  int chosen_ = 0;               // index of the last choice
  bool warmed_up_ = false;
  bool second_round_done_ = false;
  int period_ = 16;
  int calls_since_check_ = 0;
  int slow_in_a_row_ = 0;
  double reference_ = 0.0;  // fastest time of the current choice
};

}  // namespace emergence
