#include "bench_menu.h"

#include "core/error.h"

namespace emergence::app {
namespace {

constexpr const char* kBenchUsage =
    "usage: emergence bench BENCHMARK [OPTIONS]\n"
    "  gui       time the window: event-loop stall while sampling, scrub switch (bench gui "
    "--help)\n"
    "  live      time Live mode: stroke end to the new result on the canvas (bench live "
    "--help)\n"
    "  sd        SD 1.5 UNet step, preview costs (latent→RGB, TAESD, VAE), load memory, CPU or "
    "CUDA (bench sd --help)\n"
    "  spectrum  cost of the spectrum panel's analysis per step vs a UNet step "
    "(bench spectrum --help)\n"
    "  unet      time UNet denoising steps (bench unet --help)\n";

}  // namespace

int run_bench_menu(const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    out << kBenchUsage;
    return 0;
  }
  throw Error("unknown benchmark '" + args.front() +
              "' (known: gui, live, sd, spectrum, unet; see " + "'emergence bench --help')");
}

}  // namespace emergence::app
