#include "load_options.h"

#include "core/error.h"

namespace emergence {

PredictionChoice parse_prediction_choice(const std::string& text) {
  if (text == "auto") {
    return PredictionChoice::Auto;
  }
  if (text == "epsilon") {
    return PredictionChoice::Epsilon;
  }
  if (text == "v" || text == "v_prediction") {
    return PredictionChoice::VPrediction;
  }
  throw Error("unknown prediction '" + text + "' (expected auto, epsilon or v)");
}

}  // namespace emergence
