#include "nearest_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/builtin_model.h"
#include "app/emoji_dataset.h"
#include "core/command_line_options.h"
#include "core/error.h"
#include "core/media/image_folder.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/dataset_manifest.h"
#include "core/training/emoji_catalog.h"
#include "core/training/sample_metrics.h"

namespace emergence::app {

std::string emoji_dataset_cache(int size) {
  namespace fs = std::filesystem;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg != nullptr && *xdg != '\0' ? fs::path(xdg)
                        : home != nullptr              ? fs::path(home) / ".cache"
                                                       : fs::temp_directory_path();
  const fs::path dir = base / "emergence" / ("emoji-" + std::to_string(size));
  if (!fs::exists(dir / kManifestFile)) {
    std::cerr << "rendering the emoji training set into " << dir.string() << " (once)\n";
    write_emoji_dataset(dir.string(), render_emoji_dataset(read_emoji_test(), size));
  }
  return dir.string();
}

int run_nearest_command(const std::vector<std::string>& args) {
  Options options("emergence nearest",
                  {{"--image", "FILE", "the image to look up (required)"},
                   {"--model", "DIR", "model folder (default: the built-in model)"},
                   {"--data", "DIR", "training set (default: the emoji set for emoji models)"},
                   {"--k", "K", "number of neighbours (default 3)"}});
  options.parse(args);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  const std::string image_path = options.required_text("--image");
  const std::string model_dir = options.text("--model", builtin_model_dir());
  if (model_dir.empty()) {
    throw Error("no --model given and the built-in model is not installed");
  }
  const auto model = load_diffusion_model(model_dir);
  const ModelInfo& info = model->info();
  // Before the training set, which may first have to be rendered.
  const torch::Tensor query = load_training_image(image_path, info.height).unsqueeze(0);
  std::string data_dir = options.text("--data");
  if (data_dir.empty()) {
    if (info.class_names != read_emoji_test().groups) {
      throw Error("model " + info.name +
                  " was not trained on the emoji set (its classes differ); give --data DIR");
    }
    data_dir = emoji_dataset_cache(info.height);
  }
  ImageFolderOptions folder_options;
  folder_options.resolution = info.height;
  const ImageFolder folder = load_image_folder(data_dir, folder_options, std::cerr);
  const int k = static_cast<int>(options.integer("--k", 3, 1, folder.data.size()));
  const Neighbours nn = nearest_neighbours(folder.data.images, query, k);

  std::vector<ManifestRow> rows;
  const auto manifest = std::filesystem::path(data_dir) / kManifestFile;
  if (std::filesystem::exists(manifest)) {
    rows = read_manifest(manifest.string());
  }
  std::printf("%d nearest of %lld training images in %s to %s (%d px, L2 in [-1,1] units):\n", k,
              static_cast<long long>(folder.data.size()), data_dir.c_str(), image_path.c_str(),
              info.height);
  for (int i = 0; i < k; ++i) {
    const int64_t index = nn.indices[0][i].item<int64_t>();
    const std::string& file = folder.files[index];
    std::string description;
    for (const ManifestRow& row : rows) {
      if (row.file == file) {
        description = row.codepoints + " " + row.name + " (" + row.class_name + ")";
        break;
      }
    }
    std::printf("  %d. %8.3f  %s  %s\n", i + 1, nn.distances[0][i].item<float>(),
                (std::filesystem::path(data_dir) / file).string().c_str(), description.c_str());
  }
  return 0;
}

}  // namespace emergence::app
