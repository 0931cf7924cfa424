#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence generate [--model DIR] [--sampler NAME] [--steps N] … --out FILE.png`: one headless
// run of a model, with per-step progress on stderr. `args` are the words after "generate".
// Throws emergence::Error on bad options, files or settings; returns the exit code otherwise.
int run_generate_command(const std::vector<std::string>& args);

}  // namespace emergence::app
