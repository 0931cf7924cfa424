#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence bench spectrum [OPTIONS]` (args after "spectrum"): cost of the spectral track per
// frame as a share of a UNet step, at several image sizes.
int run_bench_spectrum_command(const std::vector<std::string>& args);

}  // namespace emergence::app
