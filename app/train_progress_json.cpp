#include "train_progress_json.h"

#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/train_samples.h"
#include "core/training/trainer.h"

namespace emergence::app {
namespace {

void print_line(std::ostream& out, const nlohmann::json& event) {
  out << event.dump() << std::endl;
}

}  // namespace

StdinTrainingControl::StdinTrainingControl()
    : state_(std::make_shared<std::atomic<TrainingRequest>>(TrainingRequest::Continue)) {
  std::thread([state = state_] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line == "pause") {
        state->store(TrainingRequest::Pause);
      } else if (line == "stop") {
        state->store(TrainingRequest::Stop);
      } else if (!line.empty()) {
        std::cerr << "emergence train: unknown control line '" << line
                  << "' (expected pause or stop)\n";
      }
    }
    // End of input: the GUI is gone; the run goes on and can be picked up from its work folder.
  }).detach();
}

JsonTrainingProgress::JsonTrainingProgress(std::ostream& out, const StdinTrainingControl* control,
                                           TrainingSampleGrids* samples, int samples_every)
    : out_(out), control_(control), samples_(samples), samples_every_(samples_every) {}

void JsonTrainingProgress::progress(const TrainingProgress& p) {
  print_line(out_, {{"event", "step"},
                    {"step", p.step},
                    {"steps", p.steps},
                    {"loss", p.loss},
                    {"it_s", p.steps_per_second},
                    {"eta_s", p.eta_seconds}});
}

void JsonTrainingProgress::stepped(const Trainer& trainer) {
  const int64_t step = trainer.steps_done();
  const bool last = step == trainer.options().steps;
  if (samples_ == nullptr || samples_every_ < 1 || (step % samples_every_ != 0 && !last)) {
    return;
  }
  const std::string path = samples_->write(trainer);
  print_line(out_, {{"event", "samples"}, {"step", step}, {"path", path}});
}

void JsonTrainingProgress::checkpointed(int64_t step) {
  if (step != last_checkpoint_) {
    print_line(out_, {{"event", "checkpoint"}, {"step", step}});
    last_checkpoint_ = step;
  }
}

void JsonTrainingProgress::paused(int64_t step) {
  print_line(out_, {{"event", "paused"}, {"step", step}});
}

void JsonTrainingProgress::finished(const std::string& model_dir, int64_t step) {
  print_line(out_, {{"event", "done"}, {"model", model_dir}, {"step", step}});
}

TrainingRequest JsonTrainingProgress::request() {
  return control_ != nullptr ? control_->request() : TrainingRequest::Continue;
}

std::string training_error_line(const std::string& message) {
  return nlohmann::json{{"event", "error"}, {"message", message}}.dump();
}

}  // namespace emergence::app
