#pragma once

namespace emergence::app {

// Runs one headless subcommand (generate, train, evaluate, export, bench, …); returns the exit
// code.
int run_cli(int argc, char** argv);

}  // namespace emergence::app
