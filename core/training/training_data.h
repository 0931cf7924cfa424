#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "core/display_image.h"

namespace emergence {

// A training set in memory: what the trainer consumes, with no file formats attached.
struct TrainingData {
  torch::Tensor images;  // float32 [N, C, H, W] in [-1, 1] (diffusers' normalisation)
  torch::Tensor labels;  // int64 [N] class indices, or undefined for an unconditional set
  std::vector<std::string> class_names;   // empty when unconditional
  std::vector<std::string> class_groups;  // the heading each class sits under; may be empty

  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  bool conditional() const { return !class_names.empty(); }
};

// Checks shapes, ranges and label bounds; errors name `origin`.
void validate_training_data(const TrainingData& data, const std::string& origin);

// 8-bit RGB images of one size to [N, 3, H, W] in [-1, 1]; RGBA is composited on white.
torch::Tensor images_to_tensor(const std::vector<Image8>& images);

// The torch-only form of a dataset folder: images.npy (float32 [N,C,H,W] in [-1,1]),
// labels.npy (class indices stored as float32, .npy's portable dtype here) and dataset.json
// ({"class_names": [...], optional "class_groups": [...]}) — what `emergence-train` reads where
// there is no OpenCV.
constexpr const char* kImagesNpy = "images.npy";
constexpr const char* kLabelsNpy = "labels.npy";
constexpr const char* kDatasetJson = "dataset.json";
void write_training_npy(const std::string& dir, const TrainingData& data);
TrainingData read_training_npy(const std::string& dir);

}  // namespace emergence
