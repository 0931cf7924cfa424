#pragma once

#include <string>
#include <vector>

namespace emergence::app {

// `emergence evaluate --model DIR --data DIR [--samples 500] …`: precision/recall, memorization,
// spectra and per-class counts of a model's samples against its training images.
int run_evaluate_command(const std::vector<std::string>& args);

}  // namespace emergence::app
