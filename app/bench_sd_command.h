#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence bench sd [--size PX] [--steps N] [--threads T] [--decoders] [--load]`: the real
// SD 1.5 UNet architecture with random weights, batch 2 (guidance), one step's time; the latent
// preview's cost; with --decoders the VAE and TAESD decode at 256² and 512²; with --load the
// resident memory of loading that UNet from a safetensors file. `args` follow "bench sd".
int run_bench_sd_command(const std::vector<std::string>& args);

}  // namespace emergence::app
