#include "fanout_command.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/destination_checks.h"
#include "app/generate_command.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/media/fan_out.h"
#include "core/media/image_file.h"
#include "core/training/image_grid.h"

namespace emergence::app {
namespace {

std::vector<OptionSpec> fanout_options() {
  std::vector<OptionSpec> options = run_options();
  options.insert(
      options.end(),
      {
          {"--from-json", "FILE",
           "the run to branch: an export's JSON sidecar (other options override)"},
          {"--at-step", "K", "the step of the run the branches start from (required)"},
          {"--branches", "N", "branches per branch step (default 16)"},
          {"--first-seed", "S",
           "branch b draws its noise from seed S+b (default: the run's seed + 1)"},
          {"--branch-sampler", "NAME",
           "the branches' sampler (default: the run's when it is stochastic, else ddpm)"},
          {"--spread-points", "M",
           "branch steps from K to the last but one at which the spread is measured (default 5)"},
          {"--out", "GRID.png", "the final images of the branches from K, as a grid (required)"},
          {"--spread-csv", "FILE", "the spread per branch step, overall and per spectral band"},
          {"--scale", "N", "enlarge each tile N times (default 2)"},
          {"--overwrite", "", "replace files that exist"},
      });
  return options;
}

class Progress : public FanOutObserver {
 public:
  Progress(int branches, int points) : branches_(branches), points_(points) {}
  void on_branch(int point, int branch, const GenerationParams&, const torch::Tensor&) override {
    std::fprintf(stderr, "branch step %d/%d: branch %d/%d\n", point + 1, points_, branch + 1,
                 branches_);
  }
  void on_spread(const SpreadPoint& p) override {
    std::fprintf(stderr, "step %d (σ %.4g): spread %.4f\n", p.step, p.sigma, p.pixel_std);
  }

 private:
  int branches_;
  int points_;
};

}  // namespace

int run_fanout_command(const std::vector<std::string>& args) {
  Options options("emergence fanout", fanout_options());
  if (!parse_run_command(options, args)) {
    return 0;
  }
  const std::string out = options.required_text("--out");
  FanOutSettings settings;
  settings.at_step = static_cast<int>(options.integer("--at-step", 0, 0, 1 << 30));
  if (!options.has("--at-step")) {
    throw Error("--at-step K is required: the step the branches start from");
  }
  settings.branches = static_cast<int>(options.integer("--branches", 16, 2, 1024));
  settings.spread_points = static_cast<int>(options.integer("--spread-points", 5, 1, 100));
  settings.sampler = options.text("--branch-sampler");
  const int scale = static_cast<int>(options.integer("--scale", 2, 1, 16));
  const bool overwrite = options.has("--overwrite");
  check_new_image("--out", out, overwrite);
  if (options.has("--spread-csv")) {
    check_new_file("--spread-csv", options.text("--spread-csv"), overwrite);
  }
  PreparedRun run = prepare_run(options, false);
  settings.first_seed = options.has("--first-seed") ? options.unsigned_integer("--first-seed", 0)
                                                    : run.request.params.seed + 1;
  validate_fan_out(run.model->info(), run.request.params, settings);
  const std::vector<int> steps = spread_steps(run.model->info(), run.request.params, settings);
  Progress progress(settings.branches, static_cast<int>(steps.size()));
  const FanOutResult fan = fan_out(*run.model, run.request, settings, &progress);

  std::vector<Image8> tiles;
  for (const torch::Tensor& final_latent : fan.finals) {
    tiles.push_back(to_image8(run.model->decode(final_latent)[0], DisplayMapping::Image));
  }
  const int columns = square_grid_columns(static_cast<int>(tiles.size()));
  const nlohmann::json fan_json = {{"fan_out",
                                    {{"at_step", settings.at_step},
                                     {"branches", settings.branches},
                                     {"first_seed", settings.first_seed},
                                     {"sampler", fan.branch_params.front().sampler}}}};
  write_image(out, make_image_grid(tiles, columns, 2, scale),
              generation_png_text(run.request.params, fan_json));
  std::cerr << "wrote " << out << " (" << tiles.size() << " branches from step " << settings.at_step
            << ", seeds " << settings.first_seed << "…"
            << settings.first_seed + settings.branches - 1 << ")\n";
  if (options.has("--spread-csv")) {
    write_file_atomically(options.text("--spread-csv"), spread_csv(fan.bands, fan.spread));
    std::cerr << "wrote " << options.text("--spread-csv") << "\n";
  }
  for (const SpreadPoint& p : fan.spread) {
    std::cout << "branched at step " << p.step << " (σ " << p.sigma << "): spread " << p.pixel_std
              << "\n";
  }
  return 0;
}

}  // namespace emergence::app
