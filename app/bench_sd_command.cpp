#include "bench_sd_command.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>

#include "core/atomic_file.h"
#include "core/command_line_options.h"
#include "core/compute_device.h"
#include "core/cpu_threads.h"
#include "core/decoded_preview_observer.h"
#include "core/error.h"
#include "core/model/autoencoder_kl.h"
#include "core/model/autoencoder_tiny.h"
#include "core/model/module_weights.h"
#include "core/model/safetensors.h"
#include "core/model/unet2d_condition_model.h"
#include "core/sd/latent_preview.h"

namespace emergence::app {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<OptionSpec> bench_sd_options() {
  return {
      {"--size", "PX", "image size of the UNet steps, a multiple of 64 (default 256)"},
      {"--steps", "N", "timed UNet calls (default 3)"},
      {"--warmup", "N", "untimed calls first (default 1)"},
      {"--decoders", "",
       "also time x0's decoders at --size (TAESD, the VAE) and the previews' cost per step with "
       "TAESD every k steps"},
      {"--device", "NAME", "cpu (default), cuda or cuda:N (float16)"},
      {"--load", "DIR",
       "also write the UNet's weights to DIR (3.4 GB) and measure the memory of loading them"},
      threads_option(),
  };
}

// Kibibytes of a /proc/self/status field ("VmRSS", "VmHWM").
long status_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

double gib(long kib) { return kib / (1024.0 * 1024.0); }

// Median and minimum of `runs` timed calls after `warmup` untimed ones, in seconds.
std::pair<double, double> time_calls(int warmup, int runs, const std::function<void()>& call) {
  for (int i = 0; i < warmup; ++i) {
    call();
  }
  std::vector<double> seconds;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    call();
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front()};
}

AutoencoderKLConfig sd_vae_config() {
  // runwayml/stable-diffusion-v1-5 vae/config.json (the same VAE for SD 2).
  return autoencoder_kl_config_from_json(
      {{"block_out_channels", {128, 256, 512, 512}},
       {"down_block_types", std::vector<std::string>(4, "DownEncoderBlock2D")},
       {"up_block_types", std::vector<std::string>(4, "UpDecoderBlock2D")},
       {"layers_per_block", 2},
       {"latent_channels", 4},
       {"norm_num_groups", 32},
       {"sample_size", 512}});
}

void bench_load(UNet2DConditionModel& unet, const std::string& dir) {
  std::filesystem::create_directories(dir);
  const std::string path = (std::filesystem::path(dir) / "unet.safetensors").string();
  {
    const std::vector<uint8_t> bytes = encode_safetensors(module_state(*unet));
    write_file_atomically(path, bytes.data(), bytes.size());
  }
  const long file_kib = static_cast<long>(std::filesystem::file_size(path) / 1024);
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
  const long before = status_kib("VmRSS");
  const auto start = Clock::now();
  {
    UNet2DConditionModel loaded(sd15_unet_config());
    const SafetensorsFile file(path);
    copy_module_weights(*loaded, file.tensors(), path, "the SD 1.5 config",
                        [&file](const std::string& name) { file.release(name); });
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long peak = status_kib("VmHWM");
  std::printf(
      "load:    %.2f GiB file in %.1f s; resident memory %.2f GiB before, peak %.2f GiB: "
      "%.2f GiB over the weights\n",
      gib(file_kib), seconds, gib(before), gib(peak), gib(peak - before - file_kib));
  std::filesystem::remove(path);
}

}  // namespace

int run_bench_sd_command(const std::vector<std::string>& args) {
  Options options("emergence bench sd", bench_sd_options());
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (!options.positionals().empty()) {
    throw Error("unexpected argument '" + options.positionals().front() + "'");
  }
  const int size = static_cast<int>(options.integer("--size", 256, 64, 2048));
  if (size % 64 != 0) {
    throw Error("--size must be a multiple of 64 (got " + std::to_string(size) + ")");
  }
  const int steps = static_cast<int>(options.integer("--steps", 3, 1, 1000));
  const int warmup = static_cast<int>(options.integer("--warmup", 1, 0, 100));
  use_threads_option(options);
  const int threads = fixed_threads() > 0 ? fixed_threads() : physical_core_count();
  at::set_num_threads(threads);
  const c10::Device device = parse_compute_device(options.text("--device", "cpu"));
  const c10::ScalarType dtype = compute_dtype(device);

  torch::manual_seed(0);
  UNet2DConditionModel unet(sd15_unet_config());
  unet->eval();
  std::printf("model:   SD 1.5 UNet architecture, %lld parameters, random weights\n",
              static_cast<long long>(parameter_count(*unet)));
  if (options.has("--load")) {
    bench_load(unet, options.text("--load"));
  }
  unet->to(device, dtype);
  // Modules are built outside inference mode: packed weights need version counters.
  AutoencoderKL vae{nullptr};
  AutoencoderTiny taesd{nullptr};
  if (options.has("--decoders")) {
    vae = AutoencoderKL(sd_vae_config());
    taesd = AutoencoderTiny(AutoencoderTinyConfig{}, false);
    vae->eval();
    taesd->eval();
    vae->to(device, dtype);
    taesd->to(device, dtype);
  }
  const int64_t h = size / 8;
  const torch::Tensor x = torch::randn({2, 4, h, h});
  const torch::Tensor t = torch::full({2}, 500.0, torch::TensorOptions().device(device));
  const torch::Tensor context = torch::randn({2, 77, 768}).to(device, dtype);
  const torch::Tensor x_device = x.to(device, dtype);
  c10::InferenceMode inference;
  const auto [median, fastest] = time_calls(warmup, steps, [&] {
    unet->forward(x_device, t, context);
    synchronize_device(device);
  });
  const std::string where =
      device.is_cpu() ? std::to_string(threads) + " threads" : device.str() + ", float16";
  std::printf(
      "unet:    %dx%d image (%lldx%lld latent), batch 2, %s: median %.2f s, min %.2f s per step\n",
      size, size, static_cast<long long>(h), static_cast<long long>(h), where.c_str(), median,
      fastest);

  // The preview of one frame: x_t, x̂0, ε̂ and Δ through the latent→RGB map.
  const torch::Tensor latent = x.narrow(0, 0, 1);
  const auto [preview, preview_min] = time_calls(3, 200, [&] {
    for (int view = 0; view < 4; ++view) {
      latent_to_rgb(latent);
    }
  });
  std::printf("preview: latent→RGB %.1f µs per step (4 views, CPU), %.4f %% of a UNet step\n",
              preview * 1e6, 100.0 * preview / median);

  if (options.has("--decoders")) {
    // x̂0 of one image (batch 1), as DecodedPreviewObserver and the final decode see it.
    const torch::Tensor z = torch::randn({1, 4, h, h}).to(device, dtype);
    const auto decode_time = [&](int runs, const std::function<torch::Tensor()>& decode) {
      return time_calls(1, runs,
                        [&] {
                          decode();
                          synchronize_device(device);
                        })
          .first;
    };
    const double tiny_s = decode_time(3, [&] { return taesd->decode(z); });
    const double vae_s =
        decode_time(1, [&] { return vae->decode(z / vae->config().scaling_factor); });
    std::printf("decode:  %dx%d  TAESD %.3f s (%.1f %% of a UNet step), VAE %.2f s (%.0f %%)\n",
                size, size, tiny_s, 100.0 * tiny_s / median, vae_s, 100.0 * vae_s / median);
    const int k = PreviewDecodeSchedule::interval(tiny_s, median, kPreviewDecodeBudget);
    const double per_step = preview + tiny_s / k;
    const std::string every = k == 1 ? "every step" : "every " + std::to_string(k) + " steps";
    std::printf(
        "previews: TAESD %s (budget %.0f %%) + latent→RGB every step: %.3f s per step, %.2f %% "
        "of a UNet step\n",
        every.c_str(), 100.0 * kPreviewDecodeBudget, per_step, 100.0 * per_step / median);
  }
  std::printf("memory:  peak resident %.2f GiB\n", gib(status_kib("VmHWM")));
  return 0;
}

}  // namespace emergence::app
