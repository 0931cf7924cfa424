#include "builtin_model.h"

#include "core/sd/shipped_resources.h"

namespace emergence::app {

std::string builtin_model_dir() { return shipped_resource("models/emoji"); }

}  // namespace emergence::app
