#include "evaluate_command.h"

#include <cstdio>
#include <iostream>
#include <memory>

#include "app/builtin_model.h"
#include "core/command_line_options.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/media/model_evaluation.h"
#include "core/model/unet_diffusion_model.h"

namespace emergence::app {
namespace {

void print_row(const char* label, const std::vector<ModelEvaluation>& runs,
               double (*value)(const ModelEvaluation&), const char* format = "%12.3f") {
  std::printf("  %-34s", label);
  for (const ModelEvaluation& run : runs) {
    const double v = value(run);
    if (v < 0) {
      std::printf("%12s", "n/a");
    } else {
      std::printf(format, v);
    }
  }
  std::printf("\n");
}

void print_evaluations(const std::vector<ModelEvaluation>& runs, int size, int k) {
  std::printf("  %-34s", "");
  for (const ModelEvaluation& run : runs) {
    std::printf("%12.12s", run.model.c_str());
  }
  std::printf("\n");
  char precision[64];
  std::snprintf(precision, sizeof precision, "precision (pixel space, k = %d)", k);
  print_row(precision, runs, [](const ModelEvaluation& e) { return e.precision; });
  print_row("recall", runs, [](const ModelEvaluation& e) { return e.recall; });
  print_row("memorization rate", runs, [](const ModelEvaluation& e) { return e.memorization; });
  print_row("class agreement (requested class)", runs,
            [](const ModelEvaluation& e) { return e.class_agreement; });
  print_row("group agreement (requested group)", runs,
            [](const ModelEvaluation& e) { return e.group_agreement; });
  const std::vector<std::string> bands = band_labels(size);
  for (size_t b = 0; b < bands.size(); ++b) {
    std::printf("  RAPSD error dB, %-18s", bands[b].c_str());
    for (const ModelEvaluation& run : runs) {
      std::printf("%+12.2f", run.band_error_db[b]);
    }
    std::printf("\n");
  }
  print_row(
      "seconds drawing the samples", runs, [](const ModelEvaluation& e) { return e.seconds; },
      "%12.1f");
}

void print_per_class(const ModelEvaluation& run) {
  if (run.per_class.empty()) {
    return;
  }
  std::printf("%s per class: requested, agreeing class, agreeing group\n", run.model.c_str());
  for (const ModelEvaluation::PerClass& row : run.per_class) {
    std::printf("  %-30s %5d %5d %5d\n", row.name.c_str(), row.requested, row.agreeing_class,
                row.agreeing_group);
  }
}

}  // namespace

int run_evaluate_command(const std::vector<std::string>& args) {
  Options options(
      "emergence evaluate",
      {{"--model", "DIR", "model folder (default: the built-in model)"},
       {"--compare", "DIR", "a second model, measured in the same run on the same data and seeds"},
       {"--data", "DIR", "the training images (required)"},
       {"--samples", "N", "number of samples to draw (default 500)"},
       {"--steps", "N", "sampling steps per sample (default 30)"},
       {"--guidance", "G", "classifier-free guidance scale (default 2)"},
       {"--seed", "S", "seed of the first sample; sample i uses S+i (default 0)"},
       {"--k", "K", "neighbour count of the precision/recall radii (default 3)"},
       {"--per-class", "", "also print each class's agreement"},
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
  std::vector<std::shared_ptr<DiffusionModel>> models = {load_diffusion_model(model_dir)};
  if (options.has("--compare")) {
    models.push_back(load_diffusion_model(options.text("--compare")));
  }
  const int size = models.front()->info().height;
  for (const auto& model : models) {
    if (model->info().height != size) {
      throw Error("--model and --compare make images of different sizes (" + std::to_string(size) +
                  " and " + std::to_string(model->info().height) + " px)");
    }
  }
  ImageFolderOptions folder_options;
  folder_options.resolution = size;
  const ImageFolder folder =
      load_image_folder(options.required_text("--data"), folder_options, std::cerr);
  EvaluationSettings settings;
  settings.samples = static_cast<int>(options.integer("--samples", 500, 2, 100000));
  settings.k = static_cast<int>(options.integer("--k", 3, 1, 100));
  settings.sampling.steps = static_cast<int>(options.integer("--steps", 30, 1, 1000));
  settings.sampling.guidance_scale = options.number("--guidance", 2.0, 0.0, 100.0);
  settings.seed = options.unsigned_integer("--seed", 0);

  std::vector<ModelEvaluation> runs;
  for (const auto& model : models) {
    runs.push_back(evaluate_model(*model, folder.data, settings));
  }
  std::printf("%d samples each (%d steps, guidance %.2g, seeds %llu…), %lld training images\n",
              settings.samples, settings.sampling.steps, settings.sampling.guidance_scale,
              static_cast<unsigned long long>(settings.seed),
              static_cast<long long>(folder.data.size()));
  print_evaluations(runs, size, settings.k);
  std::printf(
      "precision/recall: Kynkäänniemi et al. 2019; memorization: share of samples nearer than "
      "1/3 of the mean distance to their 2nd–51st nearest training image; agreement: the nearest "
      "training image's class or group is the requested one\n");
  if (options.has("--per-class")) {
    for (const ModelEvaluation& run : runs) {
      print_per_class(run);
    }
  }
  return 0;
}

}  // namespace emergence::app
