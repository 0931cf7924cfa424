#include "bench_command.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <numeric>
#include <string>

#include "core/command_line_options.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/model/unet_diffusion_model.h"
#include "core/noise_schedule.h"
#include "core/sampler.h"
#include "core/thread_chooser.h"

namespace emergence::app {
namespace {

std::vector<OptionSpec> bench_options() {
  return {
      {"--model", "DIR", "model folder to time"},
      {"--preset", "NAME", "cifar10: google/ddpm-cifar10-32's architecture, random weights"},
      {"--steps", "N", "timed DDIM steps (default 20)"},
      {"--warmup", "N", "untimed steps first (default 3)"},
      {"--guidance", "G",
       "classifier-free guidance of class-conditional models, as the window's default (3): "
       "each step runs the UNet on a batch of 2; 1 times a single unguided pass"},
      threads_option(),
      {"--compare", "", "also time the plain (unoptimised) path, interleaved step by step"},
      {"--compare-threads", "",
       "time one thread, every physical core and the per-run choice, in turn, 8 steps at a time"},
  };
}

struct Timing {
  std::vector<double> ms;
  double median() const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
  double mean() const { return std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size(); }
};

// One DDIM run of a UNet, advanced a step at a time so runs can be interleaved. threads > 0 fixes
// the intra-op thread count, 0 lets a ThreadChooser pick it per step as the app's runs do.
class DdimRun {
 public:
  DdimRun(UNetDiffusionModel& model, int steps, bool fast, int threads, double guidance)
      : model_(model),
        fast_(fast),
        threads_(threads),
        chooser_(physical_core_count()),
        schedule_(model.info().scheduler.training) {
    SamplerSettings s = model.info().scheduler.sampler;
    s.name = "ddim";
    s.steps = steps;
    sampler_ = make_sampler(schedule_, s);
    const ModelInfo& info = model.info();
    x_ = torch::randn({1, info.channels, info.height, info.width});
    if (!info.class_names.empty()) {
      conditioning_.class_label = 0;
      conditioning_.guidance_scale = guidance;
    }
  }

  double step(int i) {
    model_.unet()->set_fast_inference(fast_);
    const int threads = threads_ > 0 ? threads_ : chooser_.next();
    if (at::get_num_threads() != threads) {
      at::set_num_threads(threads);
    }
    ++steps_per_thread_count_[threads];
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor out = model_.denoise(x_, sampler_->timesteps()[i], conditioning_);
    x_ = sampler_->step(out, i, x_, noise_).prev_sample;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    chooser_.record(ms / 1000.0);
    return ms;
  }

  // "2 threads: 5 steps, 1 thread: 18 steps".
  std::string thread_counts() const {
    std::string text;
    for (auto it = steps_per_thread_count_.rbegin(); it != steps_per_thread_count_.rend(); ++it) {
      text += (text.empty() ? "" : ", ") + std::to_string(it->first) +
              (it->first == 1 ? " thread: " : " threads: ") + std::to_string(it->second) + " steps";
    }
    return text;
  }

 private:
  UNetDiffusionModel& model_;
  bool fast_;
  int threads_;
  ThreadChooser chooser_;
  std::map<int, int> steps_per_thread_count_;
  NoiseSchedule schedule_;
  std::unique_ptr<Sampler> sampler_;
  torch::Tensor x_;
  Conditioning conditioning_;
  SeededNoise noise_{0};
};

void report(const char* label, const Timing& t) {
  std::printf("%-15s median %7.2f ms/step   mean %7.2f ms/step\n", label, t.median(), t.mean());
}

}  // namespace

int run_bench_command(const std::vector<std::string>& args) {
  Options options("emergence bench", bench_options(), "unet");
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (options.positionals() != std::vector<std::string>{"unet"}) {
    throw Error("expected 'emergence bench unet [OPTIONS]' (see 'emergence bench --help')");
  }
  if (options.has("--model") == options.has("--preset")) {
    throw Error("give exactly one of --model DIR and --preset cifar10");
  }
  const int steps = static_cast<int>(options.integer("--steps", 20, 1, 1000));
  const int warmup = static_cast<int>(options.integer("--warmup", 3, 0, 100));
  const double guidance = options.number("--guidance", 3.0, 0.0, 100.0);
  use_threads_option(options);
  const bool compare_threads = options.has("--compare-threads");
  if (compare_threads && (options.has("--compare") || options.has("--threads"))) {
    throw Error("--compare-threads times fixed and chosen thread counts itself: give it alone");
  }

  std::shared_ptr<UNetDiffusionModel> model;
  std::string name;
  if (options.has("--model")) {
    model = std::dynamic_pointer_cast<UNetDiffusionModel>(
        load_diffusion_model(options.text("--model")));
    name = options.text("--model");
  } else {
    if (options.text("--preset") != "cifar10") {
      throw Error("unknown --preset '" + options.text("--preset") + "' (known: cifar10)");
    }
    const UNet2DConfig config = ddpm_cifar10_config();
    ModelInfo info;
    info.name = "cifar10 preset (random weights)";
    info.height = info.width = config.sample_size;
    info.scheduler = scheduler_config_from_json(nlohmann::json::object());
    torch::manual_seed(0);
    model = std::make_shared<UNetDiffusionModel>(UNet2DModel(config), info, std::nullopt);
    name = info.name;
  }
  const ModelInfo& info = model->info();
  const bool guided = !info.class_names.empty() && guidance != 1.0;
  std::printf("model:   %s, %lld parameters, input %dx%dx%dx%d%s\n", name.c_str(),
              static_cast<long long>(parameter_count(*model->unet())), guided ? 2 : 1,
              info.channels, info.height, info.width,
              guided ? " (class and null class: guided)" : "");
  if (fixed_threads() > 0) {
    std::printf("threads: %d; ", fixed_threads());
  } else {
    std::printf("threads: chosen per step between 1 and %d (every physical core); ",
                physical_core_count());
  }
  std::printf("%d DDIM steps timed after %d warm-up\n", steps, warmup);

  c10::InferenceMode inference;
  if (compare_threads) {
    // Blocks of steps in turn rather than single steps: OpenMP threads keep spinning for a while
    // after a parallel region, which would slow whichever run comes next. Each block's first
    // step absorbs most of that and is not timed, and the order rotates so that no run always
    // follows the same one.
    constexpr int kBlock = 8;
    const int blocks = (steps + kBlock - 1) / kBlock;
    const int per_run = warmup + blocks * (kBlock + 1);
    const int cores = physical_core_count();
    DdimRun one(*model, per_run, true, 1, guidance);
    DdimRun all(*model, per_run, true, cores, guidance);
    DdimRun chosen(*model, per_run, true, 0, guidance);
    std::vector<std::pair<DdimRun*, Timing>> runs = {{&one, {}}, {&all, {}}, {&chosen, {}}};
    for (auto& [run, timing] : runs) {
      for (int i = 0; i < warmup; ++i) {
        run->step(i);
      }
    }
    for (int b = 0; b < blocks; ++b) {
      for (size_t r = 0; r < runs.size(); ++r) {
        auto& [run, timing] = runs[(b + r) % runs.size()];
        const int first = warmup + b * (kBlock + 1);
        run->step(first);
        for (int i = first + 1; i <= first + kBlock; ++i) {
          timing.ms.push_back(run->step(i));
        }
      }
    }
    report("1 thread:", runs[0].second);
    report((std::to_string(cores) + " threads:").c_str(), runs[1].second);
    report("chosen:", runs[2].second);
    std::printf("chosen counts:   %s (all steps)\n", chosen.thread_counts().c_str());
    return 0;
  }
  const bool compare = options.has("--compare");
  DdimRun fast_run(*model, warmup + steps, true, fixed_threads(), guidance);
  DdimRun plain_run(*model, warmup + steps, false, fixed_threads(), guidance);
  Timing fast, plain;
  for (int i = 0; i < warmup + steps; ++i) {
    const double plain_ms = compare ? plain_run.step(i) : 0.0;
    const double fast_ms = fast_run.step(i);
    if (i >= warmup) {
      fast.ms.push_back(fast_ms);
      plain.ms.push_back(plain_ms);
    }
  }
  report("optimised:", fast);
  if (compare) {
    report("plain:", plain);
    std::printf("speed-up:        %.2fx (median), %.2fx (mean)\n", plain.median() / fast.median(),
                plain.mean() / fast.mean());
  }
  return 0;
}

}  // namespace emergence::app
