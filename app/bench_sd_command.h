#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence bench sd [--size PX] [--steps N] [--threads T] [--device D] [--decoders] [--load]`:
// the real SD 1.5 UNet architecture with random weights, batch 2 (guidance), one step's time; the
// latent preview's cost; with --decoders the TAESD and VAE decodes at that size, each as a share
// of the step, and the per-step cost of TAESD every k steps (DecodedPreviewObserver's schedule);
// with --load the resident memory of loading that UNet from a safetensors file. `args` follow
// "bench sd".
int run_bench_sd_command(const std::vector<std::string>& args);

}  // namespace emergence::app
