#pragma once

#include <torch/types.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace emergence {

struct Image8;

// A model's training images as the nearest-image search reads them: every image of a training
// folder at the model's resolution, float64 [N, 3, R, R] in [-1, 1], with what is known of each.
struct TrainingImages {
  std::string folder;
  torch::Tensor images;
  std::vector<std::string> files;         // relative to folder, in tensor order
  std::vector<std::string> descriptions;  // manifest.csv's "codepoints name (class)"; may be empty
  int skipped = 0;                        // unreadable images (each warned about)

  int64_t size() const { return images.defined() ? images.size(0) : 0; }
};

// The folder a model's emergence.json "training_data" names, when it is one here: as written
// (absolute, or relative to where the training ran), else relative to the model folder. Empty
// when training_data is empty or names no folder.
std::string find_training_folder(const std::string& training_data, const std::string& model_path);

// Reads `dir` as load_image_folder does (a manifest.csv gives the files and, here, descriptions).
// Errors name the folder.
TrainingImages load_training_images(const std::string& dir, int resolution, std::ostream& warnings);

// The k training images nearest to one image, and the memorization test on it.
struct NearestImages {
  std::vector<int64_t> indices;   // into the set, nearest first
  std::vector<double> distances;  // Euclidean, over every pixel and channel in [-1, 1] units
  // memorization_rate's test (core/training/sample_metrics.h) for this one image: a near copy
  // lies closer to its nearest training image than 1/3 of the mean distance to the 2nd…51st
  // nearest (fewer in a smaller set). Only decided for sets of at least 2 images.
  bool verdict_known = false;
  bool near_copy = false;
  double typical = 0.0;  // that mean distance; distances[0] / typical is the copy ratio

  double ratio() const { return typical > 0.0 ? distances.front() / typical : 0.0; }
};

// `query` is [3, R, R] (or [1, 3, R, R], or one channel, repeated) in [-1, 1]; k is clamped to
// the set's size. Errors when the sizes differ or k < 1.
NearestImages nearest_images(const torch::Tensor& set, const torch::Tensor& query, int k);
// The same for a displayed 8-bit image (level/127.5 − 1, as from_image8).
NearestImages nearest_images(const torch::Tensor& set, const Image8& query, int k);

}  // namespace emergence
