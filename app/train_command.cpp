#include "train_command.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "app/train_progress_json.h"
#include "app/train_samples.h"
#include "core/command_line_options.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/training/train_arguments.h"
#include "core/training/training_run.h"

namespace emergence::app {
namespace {

TrainingData load_training_data(const TrainArguments& args) {
  const bool has_images =
      std::filesystem::exists(std::filesystem::path(args.data_dir) / "manifest.csv") ||
      !std::filesystem::exists(std::filesystem::path(args.data_dir) / kImagesNpy);
  if (has_images) {
    ImageFolderOptions options;
    options.resolution = args.resolution;
    options.subfolder_classes = args.subfolder_classes;
    return load_image_folder(args.data_dir, options, std::cerr).data;
  }
  TrainingData data = read_training_npy(args.data_dir);
  if (data.images.size(2) != args.resolution) {
    throw Error(args.data_dir + "/images.npy holds " + std::to_string(data.images.size(2)) +
                " px images, --resolution is " + std::to_string(args.resolution));
  }
  return data;
}

int train(const TrainArguments& args) {
  if (args.samples_every > 0 && !args.progress_json) {
    throw Error("--samples-every goes with --progress-json (the GUI's worker protocol)");
  }
  check_training_destinations(args.run);  // before minutes of loading images
  use_threads(args.threads);
  const TrainingData data = load_training_data(args);
  if (!args.progress_json) {
    run_training(data, args.run, std::cout);
    return 0;
  }
  // stdout carries the JSON lines alone; the human-readable log goes to stderr. When the GUI
  // dies its pipes close: the run goes on (writes fail quietly instead of raising SIGPIPE) and
  // leaves its checkpoints for the next session to resume.
  std::signal(SIGPIPE, SIG_IGN);
  const StdinTrainingControl control;
  TrainingSampleGrids samples(training_work_folder(args.run));
  JsonTrainingProgress progress(std::cout, &control, &samples, args.samples_every);
  run_training(data, args.run, std::cerr, &progress);
  return 0;
}

}  // namespace

int run_train_command(int argc, char** argv) {
  const std::vector<std::string> words = arguments_from(argc, argv, 2);
  const bool json = std::find(words.begin(), words.end(), "--progress-json") != words.end();
  try {
    const TrainArguments args = parse_train_arguments("emergence train", words);
    if (args.help) {
      std::cout << args.usage;
      return 0;
    }
    return train(args);
  } catch (const c10::Error& e) {
    if (json) {
      std::cout << training_error_line(e.what_without_backtrace()) << std::endl;
    }
    throw;
  } catch (const std::exception& e) {
    if (json) {
      std::cout << training_error_line(e.what()) << std::endl;
    }
    throw;
  }
}

}  // namespace emergence::app
