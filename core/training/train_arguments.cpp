#include "train_arguments.h"

#include "core/error.h"

namespace emergence {
namespace {

int64_t parse_integer(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    const long long v = std::stoll(value, &used);
    if (used == value.size()) {
      return v;
    }
  } catch (const std::exception&) {
  }
  throw Error(flag + " expects a whole number, got '" + value + "'");
}

double parse_real(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    const double v = std::stod(value, &used);
    if (used == value.size()) {
      return v;
    }
  } catch (const std::exception&) {
  }
  throw Error(flag + " expects a number, got '" + value + "'");
}

}  // namespace

const char* const kTrainOptionsHelp =
    "  --data DIR          dataset folder (images, manifest.csv or images.npy)\n"
    "  --out MODELDIR      diffusers pipeline folder to write (EMA weights)\n"
    "  --work DIR          checkpoint.pt and loss.csv (default MODELDIR.train)\n"
    "  --resolution N      image size, a multiple of the UNet's downsampling (default 32)\n"
    "  --steps N           total optimisation steps (default 20000)\n"
    "  --batch B           batch size (default 32)\n"
    "  --lr X              peak AdamW learning rate (default 0.001)\n"
    "  --lr-decay-steps N  cosine-anneal the learning rate to 0 over the last N steps\n"
    "                      (default 0: constant; with --resume, N > 0 replaces the checkpoint's)\n"
    "  --channels A,B,C    UNet block widths (default 32,64,128)\n"
    "  --seed N            seed of every random draw (default 0)\n"
    "  --classes           an image folder's subfolders are its classes\n"
    "  --resume            continue from the checkpoint in --work\n"
    "  --overwrite         start afresh, replacing an earlier run's checkpoint, loss.csv and\n"
    "                      MODELDIR (without it or --resume, existing ones are an error)\n"
    "  --checkpoint-every N  steps between checkpoints (default 250)\n"
    "  --log-every N       steps between progress lines (default 25)\n"
    "  --threads N         CPU threads for libtorch (default: libtorch's choice)\n";

TrainArguments parse_train_arguments(int argc, char** argv, int first) {
  TrainArguments args;
  for (int i = first; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      args.help = true;
      continue;
    }
    if (flag == "--classes") {
      args.subfolder_classes = true;
      continue;
    }
    if (flag == "--resume") {
      args.run.resume = true;
      continue;
    }
    if (flag == "--overwrite") {
      args.run.overwrite = true;
      continue;
    }
    if (i + 1 >= argc) {
      throw Error(flag + " needs a value (or is unknown)");
    }
    const std::string value = argv[++i];
    if (flag == "--data") {
      args.data_dir = value;
    } else if (flag == "--out") {
      args.run.out_dir = value;
    } else if (flag == "--work") {
      args.run.work_dir = value;
    } else if (flag == "--resolution") {
      args.resolution = static_cast<int>(parse_integer(flag, value));
      if (args.resolution < 4 || args.resolution > 1024) {
        throw Error("--resolution must lie in [4, 1024], got " + value);
      }
    } else if (flag == "--steps") {
      args.run.options.steps = parse_integer(flag, value);
    } else if (flag == "--batch") {
      args.run.options.batch_size = static_cast<int>(parse_integer(flag, value));
    } else if (flag == "--lr") {
      args.run.options.learning_rate = parse_real(flag, value);
    } else if (flag == "--lr-decay-steps") {
      args.run.options.decay_steps = parse_integer(flag, value);
    } else if (flag == "--channels") {
      args.run.channels = parse_channel_list(value);
    } else if (flag == "--seed") {
      const int64_t seed = parse_integer(flag, value);
      if (seed < 0) {
        throw Error("--seed must be ≥ 0, got " + value);
      }
      args.run.options.seed = static_cast<uint64_t>(seed);
    } else if (flag == "--checkpoint-every") {
      args.run.checkpoint_every = static_cast<int>(parse_integer(flag, value));
    } else if (flag == "--log-every") {
      args.run.log_every = static_cast<int>(parse_integer(flag, value));
    } else if (flag == "--threads") {
      args.threads = static_cast<int>(parse_integer(flag, value));
      if (args.threads < 0 || args.threads > 256) {
        throw Error("--threads must lie in [0, 256], got " + value);
      }
    } else {
      throw Error("unknown option " + flag);
    }
  }
  if (!args.help) {
    if (args.data_dir.empty()) {
      throw Error("--data DIR is required");
    }
    if (args.run.out_dir.empty()) {
      throw Error("--out MODELDIR is required");
    }
    validate(args.run.options);
  }
  return args;
}

}  // namespace emergence
