#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "trainer_options.h"
#include "training_data.h"

namespace emergence {

// A whole training run as `emergence train` and `emergence-train` drive it.
struct TrainingRunSpec {
  std::string out_dir;     // the diffusers pipeline folder written at the end
  std::string work_dir;    // checkpoint.pt and loss.csv; default: out_dir + ".train"
  bool resume = false;     // continue from work_dir/checkpoint.pt (its config and options)
  bool overwrite = false;  // a fresh run may replace an earlier run's checkpoint, log and model
  std::vector<int> channels = {32, 64, 128};
  TrainerOptions options;
  int checkpoint_every = 250;
  int log_every = 25;
};

// Checks, before any data is loaded, that the run can start: with resume a checkpoint to resume
// from; without it no earlier run's checkpoint, loss log or model folder that the run would
// replace unless overwrite. The Error names what exists and how to go on. First finishes or
// removes what a killed run left in the work and model folders (recover_folder).
void check_training_destinations(const TrainingRunSpec& spec);

// Trains, printing "step N/M  loss L  it/s R  ETA …" lines to `log`, appending "step,loss,
// smoothed_loss,lr,seconds" rows to work_dir/loss.csv, checkpointing every checkpoint_every steps
// and at the end, then writes the EMA model folder. Resuming with --steps at or below the
// checkpoint's step only exports; resuming first drops the log's rows past the checkpoint and a
// row cut short, which a killed run leaves.
void run_training(const TrainingData& data, const TrainingRunSpec& spec, std::ostream& log);

// "32,64,128" → {32, 64, 128}; errors name the option.
std::vector<int> parse_channel_list(const std::string& text);

}  // namespace emergence
