#include "evaluate_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/builtin_model.h"
#include "core/command_line_options.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/media/spectrum.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/model_samples.h"
#include "core/training/sample_metrics.h"

namespace emergence::app {
namespace {

// Mean luminance RAPSD of a [N, C, H, W] set (core/media/spectrum.h's normalisation).
std::vector<double> mean_rapsd(const torch::Tensor& images) {
  const torch::Tensor data = images.contiguous().to(torch::kFloat32);
  const int c = static_cast<int>(data.size(1)), h = static_cast<int>(data.size(2)),
            w = static_cast<int>(data.size(3));
  std::vector<double> sum;
  for (int64_t i = 0; i < data.size(0); ++i) {
    const torch::Tensor image = data[i].contiguous();
    const auto r = rapsd(spectrum_plane(image.data_ptr<float>(), c, h, w, kLuminance));
    sum.resize(r.size(), 0.0);
    for (size_t k = 0; k < r.size(); ++k) {
      sum[k] += r[k] / static_cast<double>(data.size(0));
    }
  }
  return sum;
}

double band_power(const std::vector<double>& rapsd, const SpectralBand& band) {
  double sum = 0;
  for (int r = band.first_radius; r <= band.last_radius; ++r) {
    sum += rapsd[r - 1];
  }
  return sum / (band.last_radius - band.first_radius + 1);
}

}  // namespace

int run_evaluate_command(const std::vector<std::string>& args) {
  Options options("emergence evaluate",
                  {{"--model", "DIR", "model folder (default: the built-in model)"},
                   {"--data", "DIR", "its training images (required)"},
                   {"--samples", "N", "number of samples to draw (default 500)"},
                   {"--steps", "N", "sampling steps per sample (default 30)"},
                   {"--guidance", "G", "classifier-free guidance scale (default 2)"},
                   {"--seed", "S", "seed of the first sample; sample i uses S+i (default 0)"},
                   {"--k", "K", "neighbour count of the precision/recall radii (default 3)"},
                   threads_option()});
  options.parse(args);
  use_threads_option(options);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  const std::string model_dir = options.text("--model", builtin_model_dir());
  if (model_dir.empty()) {
    throw Error("no --model given and the built-in model is not installed");
  }
  const auto model = load_diffusion_model(model_dir);
  const ModelInfo& info = model->info();
  ImageFolderOptions folder_options;
  folder_options.resolution = info.height;
  const ImageFolder folder =
      load_image_folder(options.required_text("--data"), folder_options, std::cerr);
  const TrainingData& data = folder.data;
  const int count = static_cast<int>(options.integer("--samples", 500, 2, 100000));
  const int k = static_cast<int>(options.integer("--k", 3, 1, 100));
  SamplingSettings settings;
  settings.steps = static_cast<int>(options.integer("--steps", 30, 1, 1000));
  settings.guidance_scale = options.number("--guidance", 2.0, 0.0, 100.0);
  const uint64_t seed = options.unsigned_integer("--seed", 0);

  const int classes = static_cast<int>(info.class_names.size());
  std::vector<SampleRequest> requests;
  for (int i = 0; i < count; ++i) {
    requests.push_back({classes > 0 ? i % classes : -1, seed + static_cast<uint64_t>(i)});
  }
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor samples = draw_samples(*model, requests, settings);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("model %s, %d samples (%d steps, guidance %.2g) in %.1f s; %lld training images\n",
              info.name.c_str(), count, settings.steps, settings.guidance_scale, seconds,
              static_cast<long long>(data.size()));

  const PrecisionRecall pr = precision_recall(data.images, samples, k);
  std::printf("precision %.3f  recall %.3f  (pixel space, k = %d; Kynkäänniemi et al. 2019)\n",
              pr.precision, pr.recall, k);
  std::printf(
      "memorization %.3f  (share of samples nearer than 1/3 of the mean distance to "
      "their 2nd–51st nearest training image)\n",
      memorization_rate(data.images, samples));

  const auto data_rapsd = mean_rapsd(data.images);
  const auto sample_rapsd = mean_rapsd(samples);
  std::printf("RAPSD (luminance) per band:\n  %-22s %10s %10s %10s\n", "cycles/pixel", "data dB",
              "samples dB", "diff dB");
  for (const SpectralBand& band : log_spaced_bands(info.height)) {
    const double d = 10.0 * std::log10(band_power(data_rapsd, band));
    const double s = 10.0 * std::log10(band_power(sample_rapsd, band));
    char range[32];
    std::snprintf(range, sizeof range, "%.3f–%.3f", band.low_frequency, band.high_frequency);
    std::printf("  %-22s %10.2f %10.2f %+10.2f\n", range, d, s, s - d);
  }

  if (classes > 0 && data.conditional()) {
    // Each sample's class as its nearest training image sees it.
    const Neighbours nn = nearest_neighbours(data.images, samples, 1);
    const torch::Tensor nearest_class = data.labels.index_select(0, nn.indices.select(1, 0));
    std::printf("per class: requested, nearest-training-image class, agreement\n");
    int agree_total = 0;
    for (int c = 0; c < classes; ++c) {
      int requested = 0, assigned = 0, agree = 0;
      for (int i = 0; i < count; ++i) {
        const bool asked = requests[i].class_label == c;
        const bool got = nearest_class[i].item<int64_t>() == c;
        requested += asked;
        assigned += got;
        agree += asked && got;
      }
      agree_total += agree;
      std::printf("  %-20s %5d %5d %5d\n", info.class_names[c].c_str(), requested, assigned, agree);
    }
    std::printf("class agreement %.3f\n", static_cast<double>(agree_total) / count);
  }
  return 0;
}

}  // namespace emergence::app
