#pragma once

#include <string>
#include <vector>

#include "core/diffusion_model.h"
#include "core/training/model_samples.h"
#include "core/training/training_data.h"

namespace emergence {

// How a model's samples compare with its training set (`emergence evaluate`).
struct ModelEvaluation {
  std::string model;
  double seconds = 0;  // drawing the samples
  double precision = 0, recall = 0;
  double memorization = 0;
  std::vector<double> band_error_db;  // samples − data, per log-spaced band
  // Share of samples whose nearest training image has the requested class (only when the model's
  // classes are the data's), and the requested class's group (the class itself for a model
  // without groups). Negative: not measured.
  double class_agreement = -1;
  double group_agreement = -1;
  struct PerClass {
    std::string name;
    int requested = 0, agreeing_class = 0, agreeing_group = 0;
  };
  std::vector<PerClass> per_class;
};

struct EvaluationSettings {
  int samples = 500;
  int k = 3;
  uint64_t seed = 0;  // sample i: seed + i, class i mod classes
  SamplingSettings sampling;
};

// The agreement part of an evaluation: sample i asked for class requested[i] of the model and its
// nearest training image has class nearest[i] of the data. Fills class_agreement (when the class
// lists match), group_agreement and per_class.
void measure_agreement(const std::vector<int64_t>& requested, const std::vector<int64_t>& nearest,
                       const ModelInfo& model, const TrainingData& data, ModelEvaluation& out);

// Draws the samples and measures them: precision and recall (Kynkäänniemi et al. 2019), the
// memorization rate, luminance RAPSD error per band and nearest-neighbour class agreement.
ModelEvaluation evaluate_model(DiffusionModel& model, const TrainingData& data,
                               const EvaluationSettings& settings);

// The log-spaced bands of a size, as "0.016–0.047" cycles/pixel labels.
std::vector<std::string> band_labels(int size);

}  // namespace emergence
