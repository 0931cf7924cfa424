#pragma once

#include <torch/types.h>

#include <vector>

namespace emergence {

// Generative-model metrics in pixel space. Both sets are [N, …] tensors flattened per row;
// distances are Euclidean.

struct PrecisionRecall {
  double precision = 0.0;  // share of samples inside the real manifold estimate
  double recall = 0.0;     // share of real images inside the sample manifold estimate
};

// Improved precision and recall (Kynkäänniemi et al. 2019, eq. 1–3): each set's manifold is the
// union of balls around its points with radius = distance to the k-th nearest neighbour in the
// same set. Needs more than k points in each set.
PrecisionRecall precision_recall(const torch::Tensor& real, const torch::Tensor& samples,
                                 int k = 3);

// Share of samples whose nearest training image is closer than 1/3 of the mean distance to their
// 2nd…51st nearest (fewer when the set is smaller): a copy sits far closer to one image than to
// the rest. Needs at least 2 training images.
double memorization_rate(const torch::Tensor& training, const torch::Tensor& samples);

struct Neighbours {
  torch::Tensor indices;    // int64 [Q, k]
  torch::Tensor distances;  // float [Q, k], ascending
};
// The k nearest rows of `set` to each row of `queries`.
Neighbours nearest_neighbours(const torch::Tensor& set, const torch::Tensor& queries, int k);

}  // namespace emergence
