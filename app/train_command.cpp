#include "train_command.h"

#include <filesystem>
#include <iostream>

#include "core/command_line_options.h"
#include "core/cpu_threads.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/training/train_arguments.h"
#include "core/training/training_run.h"

namespace emergence::app {

int run_train_command(int argc, char** argv) {
  const TrainArguments args =
      parse_train_arguments("emergence train", arguments_from(argc, argv, 2));
  if (args.help) {
    std::cout << args.usage;
    return 0;
  }
  check_training_destinations(args.run);  // before minutes of loading images
  use_threads(args.threads);
  TrainingData data;
  const bool has_images =
      std::filesystem::exists(std::filesystem::path(args.data_dir) / "manifest.csv") ||
      !std::filesystem::exists(std::filesystem::path(args.data_dir) / kImagesNpy);
  if (has_images) {
    ImageFolderOptions options;
    options.resolution = args.resolution;
    options.subfolder_classes = args.subfolder_classes;
    data = load_image_folder(args.data_dir, options, std::cerr).data;
  } else {
    data = read_training_npy(args.data_dir);
    if (data.images.size(2) != args.resolution) {
      throw Error(args.data_dir + "/images.npy holds " + std::to_string(data.images.size(2)) +
                  " px images, --resolution is " + std::to_string(args.resolution));
    }
  }
  run_training(data, args.run, std::cout);
  return 0;
}

}  // namespace emergence::app
