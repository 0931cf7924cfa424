#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence fanout [run options] --at-step K --branches N --out GRID.png [--spread-csv FILE]`:
// branches a run at step K N times with fresh noise, writes their final images as a grid and the
// spread of the branches' final images against the branch step (core/media/fan_out.h).
int run_fanout_command(const std::vector<std::string>& args);

}  // namespace emergence::app
