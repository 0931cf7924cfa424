#pragma once

#include <string>

#include "training_run.h"

namespace emergence {

// The options `emergence train` and `emergence-train` share.
struct TrainArguments {
  std::string data_dir;
  int resolution = 32;
  bool subfolder_classes = false;  // --classes: an image folder's subfolders become classes
  int threads = 0;                 // 0: libtorch's default
  TrainingRunSpec run;
  bool help = false;
};

extern const char* const kTrainOptionsHelp;

// Parses argv[first…]; errors name the option and its allowed values.
TrainArguments parse_train_arguments(int argc, char** argv, int first);

}  // namespace emergence
