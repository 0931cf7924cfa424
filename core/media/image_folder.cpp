#include "image_folder.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/media/image_decoding.h"
#include "core/media/image_fit.h"
#include "core/training/dataset_manifest.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

struct Candidate {
  std::string file;  // relative to the folder
  std::string class_name;
};

// Images directly in the root go to `unclassed` when subfolders are the classes.
std::vector<Candidate> candidates_from_walk(const fs::path& root, bool subfolder_classes,
                                            std::vector<SkippedImage>& unclassed) {
  std::vector<Candidate> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const fs::directory_entry& entry = *it;
    // A writer's temporary file or staging folder (core/atomic_file.h) holds no finished image.
    if (is_temporary_name(entry.path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file() || !has_image_extension(entry.path().string())) {
      continue;
    }
    const fs::path relative = fs::relative(entry.path(), root);
    std::string class_name;
    if (subfolder_classes) {
      if (std::distance(relative.begin(), relative.end()) < 2) {
        unclassed.push_back({relative.generic_string(), "lies in no class subfolder"});
        continue;
      }
      class_name = relative.begin()->string();
    }
    out.push_back({relative.generic_string(), class_name});
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.file < b.file; });
  std::sort(unclassed.begin(), unclassed.end(),
            [](const SkippedImage& a, const SkippedImage& b) { return a.file < b.file; });
  return out;
}

// Centre crop to a square, INTER_AREA resize, alpha over white, [3, H, W] in [−1, 1].
torch::Tensor prepare(const cv::Mat& raw, int resolution) {
  return from_image8(fit_image(raw, resolution, resolution, ImageFit::Crop));
}

// "cannot read image /a/b.png: a damaged PNG file" → "a damaged PNG file": the list that shows
// it already names the file.
std::string skip_reason(const std::string& message, const std::string& path) {
  const std::string prefix = "cannot read image " + path + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

}  // namespace

torch::Tensor load_training_image(const std::string& path, int resolution) {
  return prepare(decode_image_file(path), resolution);
}

ImageFolder load_image_folder(const std::string& dir, const ImageFolderOptions& options,
                              std::ostream& warnings) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) {
    throw Error("dataset folder " + dir + " does not exist or is not a folder");
  }
  if (options.resolution < 4 || options.resolution > 1024) {
    throw Error("--resolution must lie in [4, 1024], got " + std::to_string(options.resolution));
  }
  std::vector<Candidate> candidates;
  std::vector<std::string> class_names;
  ImageFolder folder;
  std::vector<std::string> class_groups;
  const fs::path manifest = root / kManifestFile;
  if (fs::exists(manifest)) {
    for (const ManifestRow& row : read_manifest(manifest.string())) {
      candidates.push_back({row.file, row.class_name});
    }
    const fs::path meta = root / kDatasetJson;
    if (fs::exists(meta)) {
      const auto json = read_json_file(meta.string());
      if (json.is_object() && json.contains("class_names")) {
        class_names = json_string_list(json["class_names"], meta.string() + ": class_names");
      }
      if (json.is_object() && json.contains("class_groups")) {
        class_groups = json_string_list(json["class_groups"], meta.string() + ": class_groups");
      }
    }
  } else {
    candidates = candidates_from_walk(root, options.subfolder_classes, folder.skipped_files);
  }
  if (candidates.empty()) {
    throw Error("no images found in " + dir +
                (options.subfolder_classes ? " (with --classes, images must sit in subfolders)"
                                           : " (looked for .png, .jpg, .jpeg, .bmp, .webp, .tif)"));
  }
  std::vector<std::string> found;
  for (const Candidate& c : candidates) {
    if (!c.class_name.empty() &&
        std::find(found.begin(), found.end(), c.class_name) == found.end()) {
      found.push_back(c.class_name);
    }
  }
  if (class_names.empty()) {
    class_names = found;
    std::sort(class_names.begin(), class_names.end());
  }
  for (const std::string& name : found) {
    if (std::find(class_names.begin(), class_names.end(), name) == class_names.end()) {
      throw Error(dir + ": class '" + name + "' of the manifest is missing from dataset.json");
    }
  }
  const bool conditional = std::all_of(candidates.begin(), candidates.end(),
                                       [](const Candidate& c) { return !c.class_name.empty(); });

  std::vector<torch::Tensor> images;
  std::vector<int64_t> labels;
  for (const Candidate& c : candidates) {
    const std::string path = (root / c.file).string();
    cv::Mat raw;
    try {
      raw = decode_image_file(path);
    } catch (const Error& error) {
      warnings << "warning: " << error.what() << "; skipped\n";
      ++folder.skipped;
      folder.skipped_files.push_back({c.file, skip_reason(error.what(), path)});
      continue;
    }
    images.push_back(prepare(raw, options.resolution));
    folder.files.push_back(c.file);
    if (conditional) {
      labels.push_back(std::find(class_names.begin(), class_names.end(), c.class_name) -
                       class_names.begin());
    }
  }
  if (images.empty()) {
    throw Error("none of the " + std::to_string(candidates.size()) + " images in " + dir +
                " could be read");
  }
  if (folder.skipped > 0) {
    warnings << "warning: skipped " << folder.skipped << " of " << candidates.size()
             << " images in " << dir << "\n";
  }
  folder.data.images = torch::stack(images);
  if (conditional) {
    folder.data.labels = torch::tensor(labels, torch::kInt64);
    folder.data.class_names = class_names;
    folder.data.class_groups = class_groups;
  }
  validate_training_data(folder.data, dir);
  return folder;
}

}  // namespace emergence
