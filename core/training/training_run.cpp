#include "training_run.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/model/unet2d_model.h"
#include "core/staged_output.h"
#include "default_unet_config.h"
#include "trainer.h"
#include "warm_start.h"

namespace emergence {
namespace {

std::string format_duration(double seconds) {
  const int s = static_cast<int>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return buffer;
}

std::filesystem::path work_folder(const TrainingRunSpec& spec) {
  return spec.work_dir.empty() ? std::filesystem::path(spec.out_dir + ".train")
                               : std::filesystem::path(spec.work_dir);
}

constexpr const char* kLossHeader = "step,loss,smoothed_loss,lr,seconds\n";

// A resumed run's loss log keeps the rows up to the checkpoint's step. A killed run may have
// logged steps past its last checkpoint, which the resumed run logs again, and cut its last row
// short; both go, so that each step has one complete row.
void trim_loss_log(const std::string& path, int64_t last_step) {
  std::ifstream in(path, std::ios::binary);
  std::string kept = kLossHeader;
  std::string line;
  for (bool header = true; std::getline(in, line) && !in.eof(); header = false) {
    if (!header && std::strtoll(line.c_str(), nullptr, 10) <= last_step) {
      kept += line + "\n";
    }
  }
  write_file_atomically(path, kept);
}

}  // namespace

std::string training_work_folder(const TrainingRunSpec& spec) { return work_folder(spec).string(); }

std::vector<int> parse_channel_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      out.push_back(std::stoi(item, &used));
      if (used != item.size()) {
        throw std::invalid_argument(item);
      }
    } catch (const std::exception&) {
      throw Error("--channels expects comma-separated whole numbers like 32,64,128, got '" + text +
                  "'");
    }
  }
  return out;
}

void check_training_destinations(const TrainingRunSpec& spec) {
  namespace fs = std::filesystem;
  if (spec.out_dir.empty()) {
    throw Error("--out MODELDIR is required");
  }
  if (spec.checkpoint_every < 1 || spec.log_every < 1) {
    throw Error("checkpoint and log intervals must be at least 1 step");
  }
  if (spec.resume && spec.overwrite) {
    throw Error("give either --resume (continue the run) or --overwrite (start afresh), not both");
  }
  const fs::path work = work_folder(spec);
  // What a killed earlier run left: a half-written checkpoint, an unfinished model folder.
  recover_folder(work.string());
  recover_folder(spec.out_dir);
  std::error_code ec;
  if (spec.resume) {
    if (!fs::is_regular_file(work / "checkpoint.pt", ec)) {
      throw Error("--resume: no checkpoint at " + (work / "checkpoint.pt").string());
    }
    return;
  }
  std::vector<std::string> existing;
  for (const fs::path& file : {work / "checkpoint.pt", work / "loss.csv"}) {
    if (fs::exists(fs::symlink_status(file, ec))) {
      existing.push_back(file.string());
    }
  }
  if (fs::exists(fs::symlink_status(spec.out_dir, ec)) &&
      !(fs::is_directory(spec.out_dir, ec) && fs::is_empty(spec.out_dir, ec))) {
    existing.push_back(spec.out_dir);
  }
  if (spec.overwrite || existing.empty()) {
    return;
  }
  std::string list;
  for (size_t i = 0; i < existing.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == existing.size() ? " and " : ", ") + existing[i];
  }
  throw Error(list + (existing.size() == 1 ? " exists" : " exist") +
              " from an earlier run; pass --resume to continue it or --overwrite to start afresh "
              "and replace " +
              (existing.size() == 1 ? "it" : "them"));
}

void run_training(const TrainingData& data, const TrainingRunSpec& spec, std::ostream& log,
                  TrainingObserver* observer) {
  namespace fs = std::filesystem;
  TrainingObserver unobserved;
  TrainingObserver& watch = observer != nullptr ? *observer : unobserved;
  check_training_destinations(spec);
  const fs::path work = work_folder(spec);
  fs::create_directories(work);
  const std::string checkpoint = (work / "checkpoint.pt").string();
  const std::string loss_csv = (work / "loss.csv").string();

  std::unique_ptr<Trainer> trainer;
  if (spec.resume) {
    trainer = Trainer::resume(checkpoint, data);
    trainer->set_total_steps(spec.options.steps);
    if (spec.options.decay_steps > 0) {
      trainer->set_decay_steps(spec.options.decay_steps);
    }
    trim_loss_log(loss_csv, trainer->steps_done());
    log << "resumed " << checkpoint << " at step " << trainer->steps_done() << "\n";
  } else {
    const UNet2DConfig config =
        spec.init_from.empty()
            ? default_unet_config(static_cast<int>(data.images.size(2)),
                                  static_cast<int>(data.images.size(1)), spec.channels,
                                  static_cast<int>(data.class_names.size()))
            : warm_start_config(spec.init_from, data);
    trainer = std::make_unique<Trainer>(config, data, spec.options);
    if (!spec.init_from.empty()) {
      trainer->warm_start(warm_start_weights(spec.init_from, data), spec.init_from);
      log << "warm start from " << spec.init_from << "\n";
    }
    write_file_atomically(loss_csv, kLossHeader);
  }
  log << "training " << parameter_count(*trainer->model()) << " parameters on " << data.size()
      << " images (" << data.class_names.size() << " classes), batch "
      << trainer->options().batch_size << ", " << trainer->options().steps << " steps\n";

  std::ofstream csv(loss_csv, std::ios::app);
  const auto start = std::chrono::steady_clock::now();
  auto window_start = start;
  const int64_t first_step = trainer->steps_done();
  int64_t window_first = first_step;
  TrainingRequest request = TrainingRequest::Continue;
  while (trainer->steps_done() < trainer->options().steps &&
         (request = watch.request()) == TrainingRequest::Continue) {
    const double loss = trainer->step();
    const int64_t done = trainer->steps_done();
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (done % spec.log_every == 0 || done == trainer->options().steps) {
      const double window = std::chrono::duration<double>(now - window_start).count();
      const double rate = window > 0 ? (done - window_first) / window : 0.0;
      const double eta = rate > 0 ? (trainer->options().steps - done) / rate : 0.0;
      char line[160];
      std::snprintf(line, sizeof line, "step %lld/%lld  loss %.4f  %.2f it/s  ETA %s",
                    static_cast<long long>(done), static_cast<long long>(trainer->options().steps),
                    trainer->smoothed_loss(), rate, format_duration(eta).c_str());
      log << line << std::endl;
      watch.progress({done, trainer->options().steps, trainer->smoothed_loss(), rate, eta});
      window_start = now;
      window_first = done;
    }
    csv << done << ',' << loss << ',' << trainer->smoothed_loss() << ',' << trainer->learning_rate()
        << ',' << elapsed << "\n";
    if (done % spec.checkpoint_every == 0) {
      csv.flush();
      trainer->save_checkpoint(checkpoint);
      watch.checkpointed(done);
    }
    watch.stepped(*trainer);
  }
  csv.flush();
  trainer->save_checkpoint(checkpoint);
  watch.checkpointed(trainer->steps_done());
  if (request == TrainingRequest::Pause) {
    log << "paused at step " << trainer->steps_done() << "; --resume continues from " << checkpoint
        << "\n";
    watch.paused(trainer->steps_done());
    return;
  }
  trainer->export_model_folder(spec.out_dir, spec.data_dir);
  log << "wrote " << spec.out_dir << " (EMA weights, step " << trainer->steps_done() << ")\n";
  watch.finished(spec.out_dir, trainer->steps_done());
}

}  // namespace emergence
