#include "prediction.h"

#include <cmath>

#include "error.h"

namespace emergence {

PredictionType parse_prediction_type(const std::string& name) {
  if (name == "epsilon") {
    return PredictionType::Epsilon;
  }
  if (name == "v_prediction") {
    return PredictionType::VPrediction;
  }
  if (name == "sample") {
    return PredictionType::Sample;
  }
  throw Error("unknown prediction type '" + name + "' (expected epsilon, v_prediction or sample)");
}

std::string to_string(PredictionType type) {
  switch (type) {
    case PredictionType::Epsilon:
      return "epsilon";
    case PredictionType::VPrediction:
      return "v_prediction";
    case PredictionType::Sample:
      return "sample";
  }
  return "epsilon";
}

std::vector<std::string> prediction_type_names() { return {"epsilon", "v_prediction", "sample"}; }

CleanAndNoise split_vp(const torch::Tensor& x, const torch::Tensor& out, float alpha_cumprod,
                       PredictionType type) {
  const float a = std::sqrt(alpha_cumprod);
  const float b = std::sqrt(1.0f - alpha_cumprod);
  switch (type) {
    case PredictionType::Epsilon:
      return {(x - b * out) / a, out};
    case PredictionType::VPrediction:
      return {a * x - b * out, a * out + b * x};
    case PredictionType::Sample:
      return {out, (x - a * out) / b};
  }
  return {out, out};
}

CleanAndNoise split_ve(const torch::Tensor& x, const torch::Tensor& out, float sigma,
                       PredictionType type) {
  torch::Tensor x0;
  switch (type) {
    case PredictionType::Epsilon:
      x0 = x - sigma * out;
      break;
    case PredictionType::VPrediction:
      x0 = out * (-sigma / std::sqrt(sigma * sigma + 1.0f)) + x / (sigma * sigma + 1.0f);
      break;
    case PredictionType::Sample:
      x0 = out;
      break;
  }
  torch::Tensor eps = sigma > 0 ? (x - x0) / sigma : torch::zeros_like(x);
  return {x0, eps};
}

}  // namespace emergence
