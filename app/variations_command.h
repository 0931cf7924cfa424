#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence variations [run options] --count N --variation-strength W --out GRID.png`: a grid of
// variations around one run (A1111's variation seeds), each tile's parameters printed.
int run_variations_command(const std::vector<std::string>& args);

}  // namespace emergence::app
