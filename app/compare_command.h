#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence compare --out GRID.png [--steps 5,10,20,50,100] [--sampler ddim,euler,…]
// [--chart FILE.png] [--csv FILE]`: what more steps buy. One seed, a grid of final images (rows
// samplers, columns step counts) and the distance of each to a long reference run.
int run_compare_command(const std::vector<std::string>& args);

}  // namespace emergence::app
