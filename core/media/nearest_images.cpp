#include "nearest_images.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/display_image.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/training/dataset_manifest.h"
#include "core/training/sample_metrics.h"

namespace emergence {
namespace {

// The most neighbours memorization_rate looks at: the nearest and the 50 after it.
constexpr int64_t kMemorizationNeighbours = 51;

std::string description_of(const ManifestRow& row) {
  std::string text = row.codepoints;
  if (!row.name.empty()) {
    text += (text.empty() ? "" : " ") + row.name;
  }
  if (!row.class_name.empty()) {
    text += (text.empty() ? "" : " ") + ("(" + row.class_name + ")");
  }
  return text;
}

}  // namespace

std::string find_training_folder(const std::string& training_data, const std::string& model_path) {
  namespace fs = std::filesystem;
  if (training_data.empty()) {
    return {};
  }
  std::error_code ec;
  const fs::path named(training_data);
  if (fs::is_directory(named, ec)) {
    return named.string();
  }
  if (named.is_relative() && !model_path.empty()) {
    const fs::path beside = fs::path(model_path) / named;
    if (fs::is_directory(beside, ec)) {
      return beside.lexically_normal().string();
    }
  }
  return {};
}

TrainingImages load_training_images(const std::string& dir, int resolution,
                                    std::ostream& warnings) {
  ImageFolderOptions options;
  options.resolution = resolution;
  ImageFolder folder = load_image_folder(dir, options, warnings);
  TrainingImages out;
  out.folder = dir;
  // In the precision the metrics compute in: a search then converts nothing.
  out.images = folder.data.images.to(torch::kFloat64).contiguous();
  out.files = std::move(folder.files);
  out.skipped = folder.skipped;
  out.descriptions.resize(out.files.size());
  const std::filesystem::path manifest = std::filesystem::path(dir) / kManifestFile;
  if (std::filesystem::exists(manifest)) {
    std::map<std::string, std::string> by_file;
    for (const ManifestRow& row : read_manifest(manifest.string())) {
      by_file.emplace(row.file, description_of(row));
    }
    for (size_t i = 0; i < out.files.size(); ++i) {
      const auto it = by_file.find(out.files[i]);
      if (it != by_file.end()) {
        out.descriptions[i] = it->second;
      }
    }
  }
  return out;
}

NearestImages nearest_images(const torch::Tensor& set, const torch::Tensor& query, int k) {
  if (!set.defined() || set.dim() != 4 || set.size(0) < 1) {
    throw Error("the nearest-image search needs a non-empty [N, C, H, W] set of images");
  }
  if (k < 1) {
    throw Error("the number of nearest images must be at least 1, got " + std::to_string(k));
  }
  torch::Tensor q = query.dim() == 4 ? query : query.unsqueeze(0);
  if (q.dim() != 4 || q.size(0) != 1) {
    throw Error("the nearest-image search takes one [C, H, W] image");
  }
  if (q.size(1) == 1 && set.size(1) == 3) {
    q = q.expand({1, 3, q.size(2), q.size(3)});
  }
  if (q.sizes().slice(1) != set.sizes().slice(1)) {
    throw Error("the image is " + std::to_string(q.size(3)) + "×" + std::to_string(q.size(2)) +
                "×" + std::to_string(q.size(1)) + " but the training images are " +
                std::to_string(set.size(3)) + "×" + std::to_string(set.size(2)) + "×" +
                std::to_string(set.size(1)));
  }
  const int64_t n = set.size(0);
  const int64_t shown = std::min<int64_t>(k, n);
  const int64_t looked_at = std::max(shown, std::min(kMemorizationNeighbours, n));
  const Neighbours nn = nearest_neighbours(set, q, static_cast<int>(looked_at));
  NearestImages out;
  const auto indices = nn.indices[0].contiguous();
  const auto distances = nn.distances[0].to(torch::kFloat64).contiguous();
  for (int64_t i = 0; i < shown; ++i) {
    out.indices.push_back(indices[i].item<int64_t>());
    out.distances.push_back(distances[i].item<double>());
  }
  if (n >= 2) {
    const int64_t m = std::min(kMemorizationNeighbours, n);
    out.typical = distances.slice(0, 1, m).mean().item<double>();
    // The verdict is memorization_rate's own, on a set of one sample. It looks at the m nearest
    // training images only, so those m give the same answer as the whole set, at a fraction of
    // the cost.
    const torch::Tensor nearest = set.index_select(0, indices.slice(0, 0, m));
    out.near_copy = memorization_rate(nearest, q) > 0.5;
    out.verdict_known = true;
  }
  return out;
}

NearestImages nearest_images(const torch::Tensor& set, const Image8& query, int k) {
  if (query.empty()) {
    throw Error("the nearest-image search got an empty image");
  }
  return nearest_images(set, from_image8(query), k);
}

}  // namespace emergence
