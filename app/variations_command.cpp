#include "variations_command.h"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "app/destination_checks.h"
#include "app/generate_command.h"
#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/image_file.h"
#include "core/training/image_grid.h"

namespace emergence::app {
namespace {

std::vector<OptionSpec> variations_options() {
  std::vector<OptionSpec> options = run_options();
  // The run's own --variation-* options would clash with the grid's.
  options.erase(
      std::remove_if(options.begin(), options.end(),
                     [](const OptionSpec& o) { return o.name.rfind("--variation-", 0) == 0; }),
      options.end());
  options.insert(
      options.end(),
      {
          {"--from-json", "FILE",
           "the run to vary: an export's JSON sidecar (other options override)"},
          {"--count", "N", "variations in the grid (default 16)"},
          {"--first-variation-seed", "V",
           "variation seeds V … V+N−1 (default: the run's seed + 1)"},
          {"--variation-strength", "W", "how far from the run's noise, in (0, 1] (default 0.2)"},
          {"--out", "GRID.png", "the grid to write (required)"},
          {"--scale", "N", "enlarge each tile N times (default 2)"},
          {"--overwrite", "", "replace a file that exists"},
      });
  return options;
}

}  // namespace

int run_variations_command(const std::vector<std::string>& args) {
  Options options("emergence variations", variations_options());
  if (!parse_run_command(options, args)) {
    return 0;
  }
  const std::string out = options.required_text("--out");
  check_new_image("--out", out, options.has("--overwrite"));
  const int count = static_cast<int>(options.integer("--count", 16, 1, 1024));
  const double strength = options.number("--variation-strength", 0.2, 0.0, 1.0);
  const int scale = static_cast<int>(options.integer("--scale", 2, 1, 16));
  PreparedRun run = prepare_run(options, false);
  const uint64_t first = options.has("--first-variation-seed")
                             ? options.unsigned_integer("--first-variation-seed", 0)
                             : run.request.params.seed + 1;
  const std::vector<GenerationParams> grid =
      variations_of(run.request.params, count, first, strength);
  for (const GenerationParams& p : grid) {
    validate_generation(run.model->info(), p);
  }
  std::vector<Image8> tiles;
  for (const GenerationParams& p : grid) {
    GenerationRequest request = run.request;
    request.params = p;
    const torch::Tensor latent = generate(*run.model, request).latent;
    tiles.push_back(to_image8(run.model->decode(latent)[0], DisplayMapping::Image));
    std::cout << to_parameters_line(p) << "\n";
  }
  const int columns = square_grid_columns(static_cast<int>(tiles.size()));
  write_image(out, make_image_grid(tiles, columns, 2, scale),
              generation_png_text(run.request.params));
  std::cerr << "wrote " << out << " (" << count << " variations at strength " << strength << ")\n";
  return 0;
}

}  // namespace emergence::app
