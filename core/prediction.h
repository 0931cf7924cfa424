#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

namespace emergence {

// What the network predicts (diffusers' `prediction_type`).
enum class PredictionType { Epsilon, VPrediction, Sample };

PredictionType parse_prediction_type(const std::string& name);
std::string to_string(PredictionType type);
std::vector<std::string> prediction_type_names();

// x̂0 and ε̂ recovered from one model output.
struct CleanAndNoise {
  torch::Tensor x0;
  torch::Tensor eps;
};

// For a variance-preserving latent x = √ᾱ·x0 + √(1-ᾱ)·ε (Ho et al. 2020, eq. 4; v of
// Salimans & Ho 2022, §4: v = √ᾱ·ε − √(1-ᾱ)·x0).
CleanAndNoise split_vp(const torch::Tensor& x, const torch::Tensor& model_output,
                       float alpha_cumprod, PredictionType type);

// For a variance-exploding latent x = x0 + σ·ε whose model input was x/√(σ²+1) (Karras et al.
// 2022, Table 1; diffusers EulerDiscreteScheduler.step).
CleanAndNoise split_ve(const torch::Tensor& x, const torch::Tensor& model_output, float sigma,
                       PredictionType type);

}  // namespace emergence
