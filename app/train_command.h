#pragma once

namespace emergence::app {

// `emergence train --data DIR --out MODELDIR [options]` (see kTrainOptionsHelp).
int run_train_command(int argc, char** argv);

}  // namespace emergence::app
