#include "thread_chooser.h"

#include <algorithm>

#include "cpu_threads.h"

namespace emergence {
namespace {

constexpr int kFirstPeriod = 16;
constexpr int kLongestPeriod = 512;
constexpr double kSlowdown = 2.0;  // calls this much slower than the reference: re-check now

}  // namespace

ThreadChooser ThreadChooser::for_this_process() {
  return ThreadChooser(fixed_threads() > 0 ? fixed_threads() : physical_core_count(),
                       fixed_threads() == 0);
}

ThreadChooser::ThreadChooser(int max_threads, bool choose) {
  for (int n = std::max(1, max_threads); n > 1 && choose; n /= 2) {
    candidates_.push_back(n);
  }
  candidates_.push_back(choose ? 1 : std::max(1, max_threads));
  best_.assign(candidates_.size(), 0.0);
  current_ = chosen_ = static_cast<int>(candidates_.size()) - 1;  // warm up on the cheapest risk
}

void ThreadChooser::queue_probes(const std::vector<int>& candidates) {
  probes_.assign(candidates.rbegin(), candidates.rend());
  current_ = probes_.back();
}

void ThreadChooser::probe_all() {
  std::fill(best_.begin(), best_.end(), 0.0);
  std::vector<int> all(candidates_.size());
  for (size_t c = 0; c < all.size(); ++c) {
    all[c] = static_cast<int>(c);
  }
  queue_probes(all);
}

void ThreadChooser::choose() {
  const double fastest = *std::min_element(best_.begin(), best_.end());
  // A second round for the candidates that came close: one call each can mislead.
  if (!second_round_done_) {
    second_round_done_ = true;
    std::vector<int> close;
    for (size_t c = 0; c < best_.size(); ++c) {
      if (best_[c] <= kSlowdown * fastest) {
        close.push_back(static_cast<int>(c));
      }
    }
    if (close.size() > 1) {
      queue_probes(close);
      return;
    }
  }
  const int chosen = static_cast<int>(std::min_element(best_.begin(), best_.end()) - best_.begin());
  double runner_up = 0.0;
  for (size_t c = 0; c < best_.size(); ++c) {
    if (static_cast<int>(c) != chosen && (runner_up == 0.0 || best_[c] < runner_up)) {
      runner_up = best_[c];
    }
  }
  // Each re-check costs one call per loser: spread them so that they cost at most 1/16 of the
  // calls' time, and further apart each time the same count wins again.
  const int affordable = static_cast<int>(
      std::min<double>(kLongestPeriod, kFirstPeriod * runner_up / std::max(fastest, 1e-12)));
  const int longer = chosen == chosen_ ? 2 * period_ : kFirstPeriod;
  period_ = std::min(kLongestPeriod, std::max(longer, affordable));
  chosen_ = current_ = chosen;
  reference_ = fastest;
  calls_since_check_ = 0;
  slow_in_a_row_ = 0;
}

void ThreadChooser::record(double seconds) {
  if (candidates_.size() == 1) {
    return;
  }
  if (!warmed_up_) {  // the first call also allocates and initialises: not a fair time
    warmed_up_ = true;
    second_round_done_ = false;
    probe_all();
    return;
  }
  if (!probes_.empty()) {
    double& best = best_[probes_.back()];
    best = best == 0.0 ? seconds : std::min(best, seconds);
    probes_.pop_back();
    if (probes_.empty()) {
      choose();
    } else {
      current_ = probes_.back();
    }
    return;
  }
  reference_ = std::min(reference_, seconds);
  slow_in_a_row_ = seconds > kSlowdown * reference_ ? slow_in_a_row_ + 1 : 0;
  const bool machine_changed = slow_in_a_row_ >= 2;
  if (machine_changed || ++calls_since_check_ >= period_) {
    if (machine_changed) {
      period_ = kFirstPeriod / 2;  // whatever wins now starts again with short periods
    }
    second_round_done_ = true;  // a re-check is one call per candidate
    probe_all();
  }
}

}  // namespace emergence
