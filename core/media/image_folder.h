#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/training/training_data.h"

namespace emergence {

struct ImageFolderOptions {
  int resolution = 32;
  bool subfolder_classes = false;  // first-level subfolders become classes
};

// An image load_image_folder left out, and why ("not a PNG, JPEG, WebP, BMP or TIFF file").
struct SkippedImage {
  std::string file;  // relative to the folder
  std::string reason;
};

struct ImageFolder {
  TrainingData data;
  std::vector<std::string> files;  // relative paths of the images kept, in tensor order
  int skipped = 0;                 // unreadable images (each warned about)
  // Every image left out, with why: with subfolder classes those directly in the folder (in no
  // class), then the unreadable ones, each group in file order.
  std::vector<SkippedImage> skipped_files;
};

// Reads a training folder. With a manifest.csv (as `emergence dataset emoji` writes) its rows
// give the files and classes (in dataset.json's class order when present); otherwise every image
// below the folder is used, sorted by path, with subfolder classes when asked (writers' temporary
// files and folders, see core/atomic_file.h, are skipped). Images are centre-cropped to a square,
// area-resized to resolution and composited on white when they have alpha. Unreadable images are
// skipped with a warning on `warnings`; an empty folder is an Error.
ImageFolder load_image_folder(const std::string& dir, const ImageFolderOptions& options,
                              std::ostream& warnings);

// One image file prepared exactly like a training image: [3, resolution, resolution] in [-1, 1].
// Errors name the file.
torch::Tensor load_training_image(const std::string& path, int resolution);

}  // namespace emergence
