#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence sample-grid --out FILE.png [--model DIR] [--classes 8] [--seeds 8] …`: one row per
// class, one column per seed, sampled with the model's own scheduler defaults.
int run_sample_grid_command(const std::vector<std::string>& args);

}  // namespace emergence::app
