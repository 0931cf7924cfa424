#include "cpu_threads.h"

#include <ATen/Parallel.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "error.h"

namespace emergence {
namespace {

std::atomic<int> fixed{0};

// A number from a one-line sysfs file, or -1.
int read_number(const std::string& path) {
  std::ifstream in(path);
  int value = -1;
  in >> value;
  return in ? value : -1;
}

}  // namespace

int physical_core_count() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
    return std::max(1u, std::thread::hardware_concurrency());
  }
  // Linux names each logical CPU's core by (package, core id); siblings share the pair.
  std::set<std::pair<int, int>> cores;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &allowed)) {
      continue;
    }
    const std::string topology = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    const int package = read_number(topology + "physical_package_id");
    const int core = read_number(topology + "core_id");
    const bool known = package >= 0 && core >= 0;
    cores.emplace(known ? package : -1, known ? core : cpu);  // unknown: a core of its own
  }
  return std::max<int>(1, static_cast<int>(cores.size()));
}

void use_threads(int threads) {
  if (threads < 0 || threads > 256) {
    throw Error("--threads must be in [0, 256] (got " + std::to_string(threads) + ")");
  }
  fixed = threads;
  at::set_num_threads(threads > 0 ? threads : physical_core_count());
}

int fixed_threads() { return fixed; }

void restart_with_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) {
    return;
  }
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);
}

}  // namespace emergence
