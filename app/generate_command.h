#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/command_line_options.h"
#include "core/diffusion_model.h"
#include "core/generation.h"

namespace emergence::app {

// The options that describe one run: the model, --from-json, the sampler settings, the seeds, the
// start image. generate and fanout read them alike.
std::vector<OptionSpec> run_options();

// Parses the words after a run command's name and applies --threads; false when --help printed
// the usage and nothing is left to do. Words that are not options are refused.
bool parse_run_command(Options& options, const std::vector<std::string>& args);

struct PreparedRun {
  std::shared_ptr<DiffusionModel> model;
  GenerationRequest request;
};
// Loads the model and builds the request the run options describe, checked before anything runs;
// with branch_options also generate's --branch-from and --at-step.
PreparedRun prepare_run(const Options& options, bool branch_options);

// `emergence generate [--model DIR] [--sampler NAME] [--steps N] … --out FILE.png`: one headless
// run of a model, with per-step progress on stderr. `args` are the words after "generate".
// Throws emergence::Error on bad options, files or settings; returns the exit code otherwise.
int run_generate_command(const std::vector<std::string>& args);

}  // namespace emergence::app
