#pragma once

#include <string>
#include <vector>

#include "training_run.h"

namespace emergence {

// The options `emergence train` and `emergence-train` share.
struct TrainArguments {
  std::string data_dir;
  int resolution = 32;
  bool subfolder_classes = false;  // --classes: an image folder's subfolders become classes
  int threads = 0;                 // 0: every physical core
  // The GUI's worker protocol (emergence train only; app/train_progress_json.h): JSON progress
  // lines on stdout, pause/stop lines on stdin, a sample grid every samples_every steps (0: none).
  bool progress_json = false;
  int samples_every = 0;
  TrainingRunSpec run;
  bool help = false;
  std::string usage;  // the --help text
};

// Parses the words after `command` ("emergence train", "emergence-train"); errors name the option
// and its allowed values.
TrainArguments parse_train_arguments(const std::string& command,
                                     const std::vector<std::string>& words);

}  // namespace emergence
