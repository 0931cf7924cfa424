#include "bench_spectrum_command.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/command_line_options.h"
#include "core/error.h"
#include "core/media/spectral_track.h"
#include "core/model/unet2d_model.h"
#include "core/noise_source.h"

namespace emergence::app {
namespace {

std::vector<OptionSpec> bench_spectrum_options() {
  return {
      {"--sizes", "LIST", "image sizes, comma-separated (default 32,64,256)"},
      {"--steps", "N", "sampling steps of the tracked run (default 50)"},
      {"--unet-calls", "N", "UNet calls per size, the first an untimed warm-up (default 3)"},
  };
}

// What the numbers mean, printed with --help.
constexpr const char* kExplanation =
    "For each image size: the median time of one call of a random-weight UNet of the shape of\n"
    "google/ddpm-cifar10-32 (35.7 M parameters), and the time SpectralTrack::on_frame takes per\n"
    "frame over a run of N steps with random frames. Lock-in is recomputed against the newest\n"
    "frame each time, so a frame's cost grows with its index: the mean and the last are shown.\n";

using Clock = std::chrono::steady_clock;

// Wall time and process CPU time (all threads) of one piece of work. On a shared machine the CPU
// time is the steadier figure, so shares are given in both.
struct Cost {
  double wall = 0.0;
  double cpu = 0.0;
};

class Stopwatch {
 public:
  Stopwatch() : wall_(Clock::now()), cpu_(std::clock()) {}
  Cost elapsed() const {
    return {std::chrono::duration<double>(Clock::now() - wall_).count(),
            static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC};
  }

 private:
  Clock::time_point wall_;
  std::clock_t cpu_;
};

Cost median(std::vector<Cost> costs) {
  auto middle = [&](auto member) {
    std::vector<double> v;
    for (const Cost& c : costs) {
      v.push_back(c.*member);
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  return {middle(&Cost::wall), middle(&Cost::cpu)};
}

Cost unet_call_cost(int size, int calls) {
  torch::manual_seed(0);
  UNet2DModel unet(ddpm_cifar10_config(size));
  unet->eval();
  c10::InferenceMode inference;
  const torch::Tensor x = torch::randn({1, 3, size, size});
  const torch::Tensor t = torch::tensor(500, torch::kInt64);
  std::vector<Cost> costs;
  for (int i = 0; i < calls; ++i) {
    const Stopwatch watch;
    const torch::Tensor out = unet->forward(x, t);
    costs.push_back(watch.elapsed());
    if (out.sizes() != x.sizes()) {
      throw Error("bench spectrum: the UNet returned the wrong shape");
    }
  }
  costs.erase(costs.begin());  // warm-up: allocator and first-touch costs
  return median(costs);
}

struct TrackCost {
  Cost mean;
  Cost last;
};

TrackCost track_cost(int size, int steps) {
  SeededNoise noise(1);
  SpectralTrack track;
  c10::InferenceMode inference;
  TrackCost cost;
  for (int i = 0; i <= steps; ++i) {
    StepFrame frame;
    frame.index = i;
    frame.total = steps;
    frame.sigma = 80.0 * std::pow(0.8, i);
    frame.x_t = noise.draw({1, 3, size, size});
    frame.x0 = noise.draw({1, 3, size, size});
    const Stopwatch watch;
    track.on_frame(frame);
    cost.last = watch.elapsed();
    cost.mean.wall += cost.last.wall / (steps + 1);
    cost.mean.cpu += cost.last.cpu / (steps + 1);
  }
  return cost;
}

std::vector<int> parse_sizes(const std::string& text) {
  std::vector<int> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const int size = std::atoi(item.c_str());
    if (size < 8 || size > 1024) {
      throw Error("bench spectrum: --sizes entries must be in [8, 1024] (got '" + item + "')");
    }
    sizes.push_back(size);
  }
  return sizes;
}

}  // namespace

int run_bench_spectrum_command(const std::vector<std::string>& args) {
  Options options("emergence bench spectrum", bench_spectrum_options());
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage() << kExplanation;
    return 0;
  }
  if (!options.positionals().empty()) {
    throw Error("unexpected argument '" + options.positionals().front() + "'");
  }
  const std::vector<int> sizes = parse_sizes(options.text("--sizes", "32,64,256"));
  const int steps = static_cast<int>(options.integer("--steps", 50, 1, 1000));
  const int calls = static_cast<int>(options.integer("--unet-calls", 3, 2, 100));
  std::printf("torch threads: %d; %d sampling steps; UNet: ddpm-cifar10 shape, random weights\n",
              at::get_num_threads(), steps);
  std::printf("%6s | %21s | %21s | %21s | %17s\n", "", "UNet call ms", "track mean/frame ms",
              "track last frame ms", "share mean, last");
  std::printf("%6s | %10s %10s | %10s %10s | %10s %10s | %8s %8s\n", "size", "wall", "cpu", "wall",
              "cpu", "wall", "cpu", "cpu %", "cpu %");
  for (int size : sizes) {
    const TrackCost track = track_cost(size, steps);
    const Cost unet = unet_call_cost(size, calls);
    std::printf("%4d² | %10.2f %10.2f | %10.3f %10.3f | %10.3f %10.3f | %7.3f%% %7.3f%%\n", size,
                1e3 * unet.wall, 1e3 * unet.cpu, 1e3 * track.mean.wall, 1e3 * track.mean.cpu,
                1e3 * track.last.wall, 1e3 * track.last.cpu, 100.0 * track.mean.cpu / unet.cpu,
                100.0 * track.last.cpu / unet.cpu);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace emergence::app
