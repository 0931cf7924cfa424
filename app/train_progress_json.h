#pragma once

#include <atomic>
#include <memory>
#include <ostream>
#include <string>

#include "core/training/training_run.h"

namespace emergence::app {

class TrainingSampleGrids;

// `emergence train --progress-json`, the protocol the GUI's worker speaks. One JSON object per
// line on stdout:
//   {"event":"step","step":120,"steps":2000,"loss":0.031,"it_s":1.9,"eta_s":980}
//   {"event":"samples","step":200,"path":"<work>/samples/step-200.png"}
//   {"event":"checkpoint","step":200}   {"event":"paused","step":230}
//   {"event":"done","model":"<out>","step":2000}   {"event":"error","message":"…"}
// and control lines on stdin: "pause" checkpoints at the current step and ends the run, "stop"
// checkpoints, writes the model folder now and ends it. At the end of stdin (the GUI went away)
// the run goes on to its last step.

// Reads control lines from stdin on a thread of its own (detached: it may block in read() until
// the process exits); the training thread polls request().
class StdinTrainingControl {
 public:
  StdinTrainingControl();
  TrainingRequest request() const { return state_->load(); }

 private:
  std::shared_ptr<std::atomic<TrainingRequest>> state_;
};

// Prints the events above to `out` (flushed per line); draws a sample grid every
// `samples_every` steps when `samples` is given.
class JsonTrainingProgress : public TrainingObserver {
 public:
  JsonTrainingProgress(std::ostream& out, const StdinTrainingControl* control,
                       TrainingSampleGrids* samples, int samples_every);

  void progress(const TrainingProgress& progress) override;
  void stepped(const Trainer& trainer) override;
  void checkpointed(int64_t step) override;
  void paused(int64_t step) override;
  void finished(const std::string& model_dir, int64_t step) override;
  TrainingRequest request() override;

 private:
  std::ostream& out_;
  const StdinTrainingControl* control_;
  TrainingSampleGrids* samples_;
  int samples_every_;
  int64_t last_checkpoint_ = -1;  // run_training may report a step twice (interval and end)
};

// {"event":"error","message":…}
std::string training_error_line(const std::string& message);

}  // namespace emergence::app
