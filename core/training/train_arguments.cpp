#include "train_arguments.h"

#include <filesystem>
#include <limits>

#include "core/command_line_options.h"
#include "core/error.h"

namespace emergence {
namespace {

std::vector<OptionSpec> train_options() {
  return {
      {"--data", "DIR", "dataset folder (images, manifest.csv or images.npy)"},
      {"--out", "MODELDIR", "diffusers pipeline folder to write (EMA weights)"},
      {"--work", "DIR", "checkpoint.pt and loss.csv (default MODELDIR.train)"},
      {"--resolution", "N", "image size, a multiple of the UNet's downsampling (default 32)"},
      {"--steps", "N", "total optimisation steps (default 20000)"},
      {"--batch", "B", "batch size (default 32)"},
      {"--lr", "X", "peak AdamW learning rate (default 0.001)"},
      {"--lr-decay-steps", "N",
       "cosine-anneal the learning rate to 0 over the last N steps (default 0: constant; with "
       "--resume, N > 0 replaces the checkpoint's)"},
      {"--channels", "A,B,C", "UNet block widths (default 16,32,96)"},
      {"--init", "MODELDIR",
       "start from this trained model's weights and architecture; each class starts from the "
       "class of its name or its group's (a fresh run only)"},
      {"--seed", "N", "seed of every random draw (default 0)"},
      {"--classes", "", "an image folder's subfolders are its classes"},
      {"--resume", "", "continue from the checkpoint in --work"},
      {"--overwrite", "",
       "start afresh, replacing an earlier run's checkpoint, loss.csv and MODELDIR (without it or "
       "--resume, existing ones are an error)"},
      {"--checkpoint-every", "N", "steps between checkpoints (default 250)"},
      {"--log-every", "N", "steps between progress lines (default 25)"},
      {"--threads", "N", "CPU threads for libtorch (default: every physical core)"},
      {"--progress-json", "",
       "progress as one JSON object per line on stdout; \"pause\" or \"stop\" lines on stdin "
       "checkpoint and end the run (emergence train)"},
      {"--samples-every", "N",
       "write a sample grid (EMA weights, every class) to DIR/samples every N steps (emergence "
       "train)"},
  };
}

}  // namespace

TrainArguments parse_train_arguments(const std::string& command,
                                     const std::vector<std::string>& words) {
  Options options(command + " --data DIR --out MODELDIR", train_options());
  options.parse(words);
  if (!options.positionals().empty()) {
    throw Error("unexpected argument '" + options.positionals().front() + "'");
  }
  TrainArguments args;
  args.usage = options.usage();
  args.help = options.help_requested();
  if (args.help) {
    return args;
  }
  constexpr int64_t kMaxInt = std::numeric_limits<int>::max();
  args.data_dir = options.required_text("--data");
  args.run.out_dir = options.required_text("--out");
  args.run.work_dir = options.text("--work", args.run.work_dir);
  args.resolution = static_cast<int>(options.integer("--resolution", args.resolution, 4, 1024));
  TrainerOptions& train = args.run.options;
  train.steps = options.integer("--steps", train.steps, 1, std::numeric_limits<int64_t>::max());
  train.batch_size = static_cast<int>(options.integer("--batch", train.batch_size, 1, 4096));
  train.learning_rate = options.number("--lr", train.learning_rate, 0.0, 1.0);  // > 0: validate()
  train.decay_steps = options.integer("--lr-decay-steps", train.decay_steps, 0,
                                      std::numeric_limits<int64_t>::max());
  if (options.has("--channels")) {
    args.run.channels = parse_channel_list(options.text("--channels"));
  }
  train.seed = options.unsigned_integer("--seed", train.seed);
  args.run.init_from = options.text("--init", args.run.init_from);
  if (!args.run.init_from.empty() && options.has("--channels")) {
    throw Error("--init takes the architecture of its model; leave out --channels");
  }
  args.run.data_dir = std::filesystem::absolute(args.data_dir).lexically_normal().string();
  args.subfolder_classes = options.has("--classes");
  args.run.resume = options.has("--resume");
  args.run.overwrite = options.has("--overwrite");
  args.run.checkpoint_every = static_cast<int>(
      options.integer("--checkpoint-every", args.run.checkpoint_every, 1, kMaxInt));
  args.run.log_every =
      static_cast<int>(options.integer("--log-every", args.run.log_every, 1, kMaxInt));
  args.threads = static_cast<int>(options.integer("--threads", 0, 1, 256));
  args.progress_json = options.has("--progress-json");
  args.samples_every = static_cast<int>(options.integer("--samples-every", 0, 1, kMaxInt));
  validate(train);
  return args;
}

}  // namespace emergence
