#pragma once

namespace emergence::app {

// `emergence bench train-gui`: the GUI event-loop stall while the training window's worker
// trains, and optionally a screenshot of the window mid-run.
int run_bench_train_gui_command(int argc, char** argv);

}  // namespace emergence::app
