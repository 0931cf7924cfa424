#include "compare_command.h"

#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

#include "app/builtin_model.h"
#include "app/destination_checks.h"
#include "core/atomic_file.h"
#include "core/command_line_options.h"
#include "core/error.h"
#include "core/media/export/comparison_figures.h"
#include "core/media/export/frame_renderer.h"
#include "core/media/image_file.h"
#include "core/media/step_comparison.h"
#include "core/model/unet_diffusion_model.h"
#include "core/sampler_aliases.h"

namespace emergence::app {

int run_compare_command(const std::vector<std::string>& args) {
  Options options(
      "emergence compare",
      {{"--out", "GRID.png", "the grid of final images, rows samplers, columns steps (required)"},
       {"--steps", "N,N,...", "step counts, the columns (default 5,10,20,50,100)"},
       {"--sampler", "S,S,...", "samplers, the rows (default ddim,euler,heun,dpmpp_2m)"},
       {"--chart", "FILE.png", "also draw the convergence chart"},
       {"--csv", "FILE", "also write every cell's calls, time and distances"},
       {"--reference-sampler", "NAME", "sampler of the reference run (default ddim)"},
       {"--reference-steps", "N", "steps of the reference run (default 1000)"},
       {"--within", "D", "report the fewest calls within this RMSE of the reference (0.01)"},
       {"--model", "DIR", "model folder (default: the built-in model)"},
       {"--schedule", "NAME",
        join_names(spacing_names()) + ", or A1111's or ComfyUI's name (default: the model's)"},
       {"--shift", "S", "schedule shift (default 1)"},
       {"--seed", "S", "seed (default 0)"},
       {"--class", "K", "class index, for class-conditional models (default 0)"},
       {"--guidance", "G", "classifier-free guidance scale (default 3)"},
       {"--scale", "N", "enlarge each image N times in the grid (default 3)"},
       {"--overwrite", "", "replace existing output files"},
       threads_option()});
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  if (!options.positionals().empty()) {
    throw Error("unexpected argument '" + options.positionals().front() + "'");
  }
  use_threads_option(options);
  const std::string out = options.required_text("--out");
  const bool overwrite = options.has("--overwrite");
  check_new_image("--out", out, overwrite);
  if (options.has("--chart")) {
    check_new_image("--chart", options.text("--chart"), overwrite);
  }
  if (options.has("--csv")) {
    check_new_file("--csv", options.text("--csv"), overwrite);
  }
  std::string model_dir = options.text("--model", builtin_model_dir());
  if (model_dir.empty()) {
    throw Error("no --model given and the built-in model is not installed");
  }
  const auto model = load_diffusion_model(model_dir);
  const ModelInfo& info = model->info();

  ComparisonPlan plan;
  plan.steps = parse_step_list(options.text("--steps", "5,10,20,50,100"));
  plan.samplers = parse_name_list(options.text("--sampler", "ddim,euler,heun,dpmpp_2m"));
  if (plan.samplers.empty()) {
    throw Error("--sampler needs at least one sampler");
  }
  plan.reference_sampler = options.text("--reference-sampler", "ddim");
  plan.reference_steps = static_cast<int>(options.integer("--reference-steps", 1000, 1, 100000));
  GenerationParams& p = plan.base;
  p.model_path = model_dir;
  p.model_name = info.name;
  p.model_hash = info.hash;
  p.spacing = options.has("--schedule") ? parse_spacing(options.text("--schedule"))
                                        : info.scheduler.sampler.selection.spacing;
  // Our, A1111's or ComfyUI's sampler names; one that implies a schedule must name this one.
  const auto our_name = [&p](const std::string& name, const char* option) {
    const SamplerChoice choice = parse_sampler_choice(name);
    if (choice.schedule && *choice.schedule != p.spacing) {
      throw Error(std::string(option) + " '" + name + "' names the " + to_string(*choice.schedule) +
                  " schedule, but the comparison runs on " + to_string(p.spacing) +
                  " (see --schedule)");
    }
    return choice.sampler;
  };
  for (std::string& sampler : plan.samplers) {
    sampler = our_name(sampler, "--sampler");
  }
  plan.reference_sampler = our_name(plan.reference_sampler, "--reference-sampler");
  p.shift = options.number("--shift", 1.0, kMinShift, kMaxShift);
  p.seed = options.unsigned_integer("--seed", 0);
  p.class_label = info.class_names.empty()
                      ? -1
                      : options.integer("--class", 0, 0, std::numeric_limits<int32_t>::max());
  p.guidance_scale = options.number("--guidance", info.class_names.empty() ? 1.0 : 3.0, 0.0, 100.0);
  const double within = options.number("--within", 0.01, 0.0, 1.0);
  const int scale = static_cast<int>(options.integer("--scale", 3, 1, 16));
  validate_comparison(info, plan);  // every run checked before the first starts

  const ComparisonResult result =
      run_comparison(*model, plan, [](const ComparisonCell& c, int done, int total) {
        std::fprintf(stderr, "[%d/%d] %s, %d steps: %d calls, %.2f s, rmse %.5f\n", done, total,
                     c.sampler.c_str(), c.steps, c.calls, c.seconds, c.distance.rmse);
      });
  write_image(out, to_image8(draw_comparison_grid(plan, result, scale)));
  std::cout << "wrote " << out << "\n";
  if (options.has("--chart")) {
    write_image(options.text("--chart"), to_image8(draw_convergence_chart(plan, result)));
    std::cout << "wrote " << options.text("--chart") << "\n";
  }
  if (options.has("--csv")) {
    std::ostringstream csv;
    write_comparison_csv(csv, result);
    write_file_atomically(options.text("--csv"), csv.str());
    std::cout << "wrote " << options.text("--csv") << "\n";
  }
  for (const std::string& sampler : plan.samplers) {
    const int calls = fewest_calls_within(result, sampler, within);
    std::printf("%-10s %s\n", sampler.c_str(),
                calls < 0
                    ? ("never within rmse " + std::to_string(within) + " of the reference").c_str()
                    : ("within rmse " + std::to_string(within) + " from " + std::to_string(calls) +
                       " model calls")
                          .c_str());
  }
  return 0;
}

}  // namespace emergence::app
