// emergence-train: the headless trainer for machines that have libtorch and nothing else (no Qt,
// no OpenCV). Reads a dataset folder's images.npy / labels.npy / dataset.json, as written by
// `emergence dataset emoji`.
#include <iostream>

#include "core/command_line_options.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/training/train_arguments.h"
#include "core/training/training_data.h"
#include "core/training/training_run.h"

int main(int argc, char** argv) {
  emergence::restart_with_passive_openmp_wait(argv);
  try {
    const emergence::TrainArguments args = emergence::parse_train_arguments(
        "emergence-train", emergence::arguments_from(argc, argv, 1));
    if (args.help) {
      std::cout << args.usage;
      return 0;
    }
    if (args.subfolder_classes) {
      throw emergence::Error("--classes needs image folders; emergence-train reads images.npy");
    }
    emergence::check_training_destinations(args.run);
    emergence::use_threads(args.threads);
    const emergence::TrainingData data = emergence::read_training_npy(args.data_dir);
    if (data.images.size(2) != args.resolution || data.images.size(3) != args.resolution) {
      throw emergence::Error(args.data_dir + "/images.npy holds " +
                             std::to_string(data.images.size(3)) + " px images, --resolution is " +
                             std::to_string(args.resolution));
    }
    emergence::run_training(data, args.run, std::cout);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "emergence-train: " << e.what() << "\n";
    return 1;
  }
}
