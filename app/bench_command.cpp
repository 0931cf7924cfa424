#include "bench_command.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <numeric>

#include "app/options.h"
#include "core/error.h"
#include "core/model/unet_diffusion_model.h"
#include "core/noise_schedule.h"
#include "core/sampler.h"

namespace emergence::app {
namespace {

std::vector<OptionSpec> bench_options() {
  return {
      {"--model", "DIR", "model folder to time"},
      {"--preset", "NAME", "cifar10: google/ddpm-cifar10-32's architecture, random weights"},
      {"--steps", "N", "timed DDIM steps (default 20)"},
      {"--warmup", "N", "untimed steps first (default 3)"},
      {"--threads", "T", "intra-op threads (default: libtorch's choice)"},
      {"--compare", "", "also time the plain (unoptimised) path, interleaved step by step"},
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

// One DDIM run of a UNet, advanced a step at a time so two runs can be interleaved.
class DdimRun {
 public:
  DdimRun(UNetDiffusionModel& model, int steps, bool fast)
      : model_(model), fast_(fast), schedule_(model.info().scheduler.training) {
    SamplerSettings s = model.info().scheduler.sampler;
    s.name = "ddim";
    s.steps = steps;
    sampler_ = make_sampler(schedule_, s);
    const ModelInfo& info = model.info();
    x_ = torch::randn({1, info.channels, info.height, info.width});
    if (!info.class_names.empty()) {
      conditioning_.class_label = 0;
    }
  }

  double step(int i) {
    model_.unet()->set_fast_inference(fast_);
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor out = model_.denoise(x_, sampler_->timesteps()[i], conditioning_);
    x_ = sampler_->step(out, i, x_, noise_).prev_sample;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  }

 private:
  UNetDiffusionModel& model_;
  bool fast_;
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
  Options options("bench", bench_options(), "unet");
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
  if (options.has("--threads")) {
    at::set_num_threads(static_cast<int>(options.integer("--threads", 1, 1, 256)));
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
  std::printf("model:   %s, %lld parameters, input 1x%dx%dx%d\n", name.c_str(),
              static_cast<long long>(parameter_count(*model->unet())), info.channels, info.height,
              info.width);
  std::printf("threads: %d; %d DDIM steps timed after %d warm-up\n", at::get_num_threads(), steps,
              warmup);

  c10::InferenceMode inference;
  const bool compare = options.has("--compare");
  DdimRun fast_run(*model, warmup + steps, true);
  DdimRun plain_run(*model, warmup + steps, false);
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
