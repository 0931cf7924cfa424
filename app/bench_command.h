#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence bench unet [--model DIR | --preset cifar10] [--steps N] [--threads T] [--compare]`:
// times DDIM steps of a UNet (median and mean after warm-up). `args` follow "bench".
int run_bench_command(const std::vector<std::string>& args);

}  // namespace emergence::app
