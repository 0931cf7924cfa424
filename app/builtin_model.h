#pragma once

#include <string>

namespace emergence::app {

// The folder of the model that ships with the app (resources/models/emoji): next to an installed
// executable (<prefix>/share/emergence/models/emoji), in the build tree (<exe dir>/../../resources)
// or in the source tree the build came from. Empty when none of them exists.
std::string builtin_model_dir();

}  // namespace emergence::app
