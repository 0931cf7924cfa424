#pragma once

namespace emergence::app {

// `emergence dataset emoji --out DIR [--size 32] [--limit N]`: renders the emoji training set.
int run_dataset_command(int argc, char** argv);

}  // namespace emergence::app
