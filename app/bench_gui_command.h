#pragma once

namespace emergence::app {

// `emergence bench gui`: GUI event-loop stall while a model samples, and scrub frame-switch time.
int run_bench_gui_command(int argc, char** argv);

}  // namespace emergence::app
