#include "cli.h"

#include <c10/util/Exception.h>

#include <cstring>
#include <iostream>
#include <string>

#include "app/bench_command.h"
#include "app/bench_gui_command.h"
#include "app/bench_live_command.h"
#include "app/bench_menu.h"
#include "app/bench_sd_command.h"
#include "app/bench_spectrum_command.h"
#include "app/bench_train_gui_command.h"
#include "app/compare_command.h"
#include "app/dataset_command.h"
#include "app/evaluate_command.h"
#include "app/fanout_command.h"
#include "app/generate_command.h"
#include "app/info_command.h"
#include "app/nearest_command.h"
#include "app/sample_grid_command.h"
#include "app/train_command.h"
#include "app/variations_command.h"
#include "core/command_line_options.h"
#include "core/error.h"

namespace emergence::app {
namespace {

constexpr const char* kUsage =
    "usage: emergence [COMMAND [OPTIONS]]\n"
    "  (no command)   open the main window\n"
    "  generate       run a model headless and write a PNG (generate --help)\n"
    "  fanout         branch a run at one step many times: grid and spread (fanout --help)\n"
    "  info           the generation settings a PNG carries (Emergence, A1111, ComfyUI)\n"
    "  variations     a grid of variations around one run (variations --help)\n"
    "  dataset emoji  render the emoji training set (dataset emoji --help)\n"
    "  train          train a class-conditional pixel UNet (train --help)\n"
    "  evaluate       precision/recall, memorization, spectra of a model's samples\n"
    "  nearest        the training images nearest to an image (nearest --help)\n"
    "  sample-grid    a classes × seeds grid of samples as one PNG\n"
    "  compare        what more steps buy: samplers × step counts against a long run\n"
    "  bench gui      time the window: event-loop stall while sampling, scrub switch\n"
    "  bench live     time Live mode: stroke end to the new result on the canvas\n"
    "  bench train-gui  event-loop stall while the training window trains\n"
    "  bench sd       SD 1.5 UNet step, latent preview, VAE and TAESD decodes, load memory\n"
    "  bench spectrum cost of the spectrum panel's analysis per step vs a UNet step\n"
    "  bench unet     time UNet denoising steps (bench unet --help)\n"
    "  version        print the version\n"
    "  help           print this text\n";

}  // namespace

int run_cli(int argc, char** argv) {
  const std::string command = argv[1];
  try {
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "gui") == 0) {
      return run_bench_gui_command(argc, argv);
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "train-gui") == 0) {
      return run_bench_train_gui_command(argc, argv);
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "live") == 0) {
      return run_bench_live_command(argc, argv);
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "spectrum") == 0) {
      return run_bench_spectrum_command(arguments_from(argc, argv, 3));
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "sd") == 0) {
      return run_bench_sd_command(arguments_from(argc, argv, 3));
    }
    if (command == "bench" && argc > 2 && std::strcmp(argv[2], "unet") == 0) {
      return run_bench_command(arguments_from(argc, argv, 2));
    }
    if (command == "bench") {
      return run_bench_menu(arguments_from(argc, argv, 2), std::cout);
    }
    if (command == "generate") {
      return run_generate_command(arguments_from(argc, argv, 2));
    }
    if (command == "fanout") {
      return run_fanout_command(arguments_from(argc, argv, 2));
    }
    if (command == "variations") {
      return run_variations_command(arguments_from(argc, argv, 2));
    }
    if (command == "info") {
      return run_info_command(arguments_from(argc, argv, 2));
    }
    if (command == "evaluate") {
      return run_evaluate_command(arguments_from(argc, argv, 2));
    }
    if (command == "nearest") {
      return run_nearest_command(arguments_from(argc, argv, 2));
    }
    if (command == "compare") {
      return run_compare_command(arguments_from(argc, argv, 2));
    }
    if (command == "sample-grid") {
      return run_sample_grid_command(arguments_from(argc, argv, 2));
    }
    if (command == "train") {
      return run_train_command(argc, argv);
    }
    if (command == "dataset") {
      return run_dataset_command(argc, argv);
    }
    if (command == "version" || command == "--version") {
      std::cout << "emergence " << EMERGENCE_VERSION << "\n";
      return 0;
    }
    std::cerr << "emergence: unknown command '" << command << "'\n" << kUsage;
    return 2;
  } catch (const Error& e) {
    std::cerr << "emergence " << command << ": " << e.what() << "\n";
    return 1;
  } catch (const c10::Error& e) {
    // libtorch's own message, without the C++ stack trace it appends.
    std::cerr << "emergence " << command << ": " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "emergence " << command << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace emergence::app
