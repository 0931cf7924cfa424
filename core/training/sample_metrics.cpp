#include "sample_metrics.h"

#include <algorithm>

#include "core/error.h"

namespace emergence {
namespace {

torch::Tensor flat(const torch::Tensor& t) {
  return t.reshape({t.size(0), -1}).to(torch::kFloat64);
}

// Distance from each point to its k-th nearest other point of the same set.
torch::Tensor kth_neighbour_radius(const torch::Tensor& points, int k) {
  const torch::Tensor d = torch::cdist(points, points);
  // Column 0 of the sorted row is the point itself (distance 0).
  return std::get<0>(d.topk(k + 1, 1, /*largest=*/false, /*sorted=*/true)).select(1, k);
}

// Share of `queries` that lie within radius_j of some point j of `set`.
double coverage(const torch::Tensor& set, const torch::Tensor& radii,
                const torch::Tensor& queries) {
  const torch::Tensor d = torch::cdist(queries, set);
  return (d <= radii.unsqueeze(0)).any(1).to(torch::kFloat64).mean().item<double>();
}

}  // namespace

PrecisionRecall precision_recall(const torch::Tensor& real, const torch::Tensor& samples, int k) {
  if (k < 1 || real.size(0) <= k || samples.size(0) <= k) {
    throw Error("precision/recall with k = " + std::to_string(k) + " needs more than k real (" +
                std::to_string(real.size(0)) + ") and sampled (" + std::to_string(samples.size(0)) +
                ") images");
  }
  const torch::Tensor r = flat(real), s = flat(samples);
  if (r.size(1) != s.size(1)) {
    throw Error("real and sampled images differ in size");
  }
  PrecisionRecall out;
  out.precision = coverage(r, kth_neighbour_radius(r, k), s);
  out.recall = coverage(s, kth_neighbour_radius(s, k), r);
  return out;
}

double memorization_rate(const torch::Tensor& training, const torch::Tensor& samples) {
  const int64_t n = training.size(0);
  if (n < 2 || samples.size(0) < 1) {
    throw Error("memorization needs at least 2 training images and 1 sample");
  }
  const int64_t k = std::min<int64_t>(51, n);
  const torch::Tensor d = std::get<0>(
      torch::cdist(flat(samples), flat(training)).topk(k, 1, /*largest=*/false, /*sorted=*/true));
  const torch::Tensor nearest = d.select(1, 0);
  const torch::Tensor rest = d.slice(1, 1, k).mean(1);
  return (nearest < rest / 3.0).to(torch::kFloat64).mean().item<double>();
}

Neighbours nearest_neighbours(const torch::Tensor& set, const torch::Tensor& queries, int k) {
  if (k < 1 || k > set.size(0)) {
    throw Error("--k must lie in [1, " + std::to_string(set.size(0)) + "], got " +
                std::to_string(k));
  }
  const torch::Tensor s = flat(set), q = flat(queries);
  if (s.size(1) != q.size(1)) {
    throw Error("the query image and the training images differ in size");
  }
  auto [distances, indices] = torch::cdist(q, s).topk(k, 1, /*largest=*/false, /*sorted=*/true);
  return {indices, distances.to(torch::kFloat32)};
}

}  // namespace emergence
