#include "training_data.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/npy.h"

namespace emergence {

void validate_training_data(const TrainingData& data, const std::string& origin) {
  if (!data.images.defined() || data.images.dim() != 4 || data.images.size(0) == 0) {
    throw Error(origin + ": no training images (expected a tensor [N, C, H, W] with N > 0)");
  }
  if (data.images.scalar_type() != torch::kFloat32) {
    throw Error(origin + ": images must be float32");
  }
  const int64_t channels = data.images.size(1);
  if (channels != 1 && channels != 3 && channels != 4) {
    throw Error(origin + ": images have " + std::to_string(channels) +
                " channels; 1, 3 or 4 are allowed");
  }
  if (!torch::isfinite(data.images).all().item<bool>() ||
      data.images.abs().max().item<float>() > 1.0f + 1e-4f) {
    throw Error(origin + ": image values must be finite and within [-1, 1]");
  }
  if (!data.conditional()) {
    return;
  }
  if (!data.class_groups.empty() && data.class_groups.size() != data.class_names.size()) {
    throw Error(origin + ": " + std::to_string(data.class_groups.size()) + " class groups for " +
                std::to_string(data.class_names.size()) + " classes");
  }
  if (!data.labels.defined() || data.labels.dim() != 1 ||
      data.labels.size(0) != data.images.size(0)) {
    throw Error(origin + ": labels must be a vector with one class index per image");
  }
  const int64_t lo = data.labels.min().item<int64_t>();
  const int64_t hi = data.labels.max().item<int64_t>();
  if (lo < 0 || hi >= static_cast<int64_t>(data.class_names.size())) {
    throw Error(origin + ": class indices must lie in [0, " +
                std::to_string(data.class_names.size() - 1) + "], found " + std::to_string(lo) +
                "…" + std::to_string(hi));
  }
}

torch::Tensor images_to_tensor(const std::vector<Image8>& images) {
  if (images.empty()) {
    throw Error("no images to convert");
  }
  const int h = images[0].height, w = images[0].width;
  auto out = torch::empty({static_cast<int64_t>(images.size()), 3, h, w}, torch::kFloat32);
  for (size_t i = 0; i < images.size(); ++i) {
    const Image8& image = images[i];
    if (image.height != h || image.width != w || (image.channels != 3 && image.channels != 4)) {
      throw Error("image " + std::to_string(i) + " is " + std::to_string(image.width) + "x" +
                  std::to_string(image.height) + "x" + std::to_string(image.channels) +
                  "; expected " + std::to_string(w) + "x" + std::to_string(h) + " RGB or RGBA");
    }
    auto hwc = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {h, w, image.channels},
                                torch::kUInt8)
                   .to(torch::kFloat32)
                   .div(255.0f);
    if (image.channels == 4) {
      // Straight alpha over white: c·a + 1·(1 − a).
      auto alpha = hwc.slice(2, 3, 4);
      hwc = hwc.slice(2, 0, 3) * alpha + (1.0f - alpha);
    }
    out[static_cast<int64_t>(i)] = hwc.permute({2, 0, 1}).mul(2.0f).sub(1.0f);
  }
  return out;
}

void write_training_npy(const std::string& dir, const TrainingData& data) {
  validate_training_data(data, dir);
  const std::filesystem::path folder(dir);
  write_npy((folder / kImagesNpy).string(), data.images.contiguous());
  if (data.conditional()) {
    write_npy((folder / kLabelsNpy).string(), data.labels.to(torch::kFloat32));
  }
  nlohmann::json meta = {{"class_names", data.class_names},
                         {"count", data.size()},
                         {"channels", data.images.size(1)},
                         {"height", data.images.size(2)},
                         {"width", data.images.size(3)}};
  if (!data.class_groups.empty()) {
    meta["class_groups"] = data.class_groups;
  }
  write_file_atomically((folder / kDatasetJson).string(), meta.dump(2) + "\n");
}

TrainingData read_training_npy(const std::string& dir) {
  const std::filesystem::path folder(dir);
  TrainingData data;
  data.images = read_npy((folder / kImagesNpy).string()).to(torch::kFloat32);
  const auto meta_path = folder / kDatasetJson;
  if (std::filesystem::exists(meta_path)) {
    const nlohmann::json meta = read_json_file(meta_path.string());
    if (meta.is_object() && meta.contains("class_names")) {
      data.class_names =
          json_string_list(meta["class_names"], meta_path.string() + ": class_names");
    }
    if (meta.is_object() && meta.contains("class_groups")) {
      data.class_groups =
          json_string_list(meta["class_groups"], meta_path.string() + ": class_groups");
    }
  }
  if (data.conditional()) {
    const auto labels_path = folder / kLabelsNpy;
    const torch::Tensor labels = read_npy(labels_path.string());
    if (!torch::equal(labels, labels.round())) {
      throw Error(labels_path.string() + ": class indices must be whole numbers");
    }
    data.labels = labels.to(torch::kInt64);
  }
  validate_training_data(data, dir);
  return data;
}

}  // namespace emergence
