#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "trainer_options.h"
#include "training_data.h"

namespace emergence {

class Trainer;

// What the caller of run_training asks for between steps.
enum class TrainingRequest {
  Continue,
  Pause,  // checkpoint at the current step and return (a later --resume goes on from there)
  Stop,   // checkpoint, write the model folder now and return
};

// A progress line's figures (every log_every steps and at the last step).
struct TrainingProgress {
  int64_t step = 0;
  int64_t steps = 0;
  double loss = 0.0;  // smoothed
  double steps_per_second = 0.0;
  double eta_seconds = 0.0;
};

// Watches and steers run_training (the GUI's worker prints JSON lines from it). Every hook runs
// on the training thread, between steps; the defaults do nothing and never stop the run.
class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void progress(const TrainingProgress& /*progress*/) {}
  // After every step, with the trainer at that step (e.g. to draw samples now and then).
  virtual void stepped(const Trainer& /*trainer*/) {}
  virtual void checkpointed(int64_t /*step*/) {}
  virtual void paused(int64_t /*step*/) {}
  virtual void finished(const std::string& /*model_dir*/, int64_t /*step*/) {}
  // Polled once per step.
  virtual TrainingRequest request() { return TrainingRequest::Continue; }
};

// A whole training run as `emergence train` and `emergence-train` drive it.
struct TrainingRunSpec {
  std::string out_dir;     // the diffusers pipeline folder written at the end
  std::string work_dir;    // checkpoint.pt and loss.csv; default: out_dir + ".train"
  bool resume = false;     // continue from work_dir/checkpoint.pt (its config and options)
  bool overwrite = false;  // a fresh run may replace an earlier run's checkpoint, log and model
  std::vector<int> channels = {16, 32, 96};
  std::string init_from;  // a fresh run starts from this trained model's weights (warm_start.h)
  std::string data_dir;   // recorded in the model's emergence.json as its training data
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
// row cut short, which a killed run leaves. `observer` (optional) sees progress and may pause or
// stop the run early.
void run_training(const TrainingData& data, const TrainingRunSpec& spec, std::ostream& log,
                  TrainingObserver* observer = nullptr);

// Where the run keeps checkpoint.pt and loss.csv: work_dir, or out_dir + ".train".
std::string training_work_folder(const TrainingRunSpec& spec);

// "32,64,128" → {32, 64, 128}; errors name the option.
std::vector<int> parse_channel_list(const std::string& text);

}  // namespace emergence
