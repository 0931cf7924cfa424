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
#include "core/media/nearest_images.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/dataset_manifest.h"
#include "core/training/emoji_catalog.h"

namespace emergence::app {

std::string emoji_dataset_cache(int size) {
  namespace fs = std::filesystem;
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const fs::path base = xdg != nullptr && *xdg != '\0' ? fs::path(xdg)
                        : home != nullptr              ? fs::path(home) / ".cache"
                                                       : fs::temp_directory_path();
  const fs::path dir = base / "emergence" / ("emoji-subgroups-" + std::to_string(size));
  if (!fs::exists(dir / kManifestFile)) {
    std::cerr << "rendering the emoji training set into " << dir.string() << " (once)\n";
    const EmojiCatalog catalog = read_emoji_test();
    write_emoji_dataset(dir.string(),
                        render_emoji_dataset(catalog, subgroup_classes(catalog), size));
  }
  return dir.string();
}

std::string emoji_training_folder(const ModelInfo& info) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string builtin = builtin_model_dir();
  if (!builtin.empty() && !info.path.empty() &&
      fs::equivalent(fs::path(builtin), fs::path(info.path), ec)) {
    return emoji_dataset_cache(info.height);
  }
  EmojiCatalog catalog;
  try {
    catalog = read_emoji_test();
  } catch (const Error&) {
    return {};  // without the emoji list no model can be told to be an emoji model
  }
  if (info.class_names == subgroup_classes(catalog).names ||
      info.class_names == group_classes(catalog).names) {
    return emoji_dataset_cache(info.height);
  }
  return {};
}

int run_nearest_command(const std::vector<std::string>& args) {
  Options options("emergence nearest",
                  {{"--image", "FILE", "the image to look up (required)"},
                   {"--model", "DIR", "model folder (default: the built-in model)"},
                   {"--data", "DIR",
                    "training set (default: emergence.json's training_data, else the emoji set for "
                    "emoji models)"},
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
    data_dir = find_training_folder(info.training_data, info.path);
  }
  if (data_dir.empty()) {
    data_dir = emoji_training_folder(info);
  }
  if (data_dir.empty()) {
    throw Error("model " + info.name +
                (info.training_data.empty()
                     ? " names no training_data in its emergence.json"
                     : " was trained on " + info.training_data + ", which is not here") +
                " and was not trained on the emoji set (its classes differ); give --data DIR");
  }
  const TrainingImages set = load_training_images(data_dir, info.height, std::cerr);
  const int k = static_cast<int>(options.integer("--k", 3, 1, set.size()));
  const NearestImages nn = nearest_images(set.images, query, k);
  std::printf("%d nearest of %lld training images in %s to %s (%d px, L2 in [-1,1] units):\n", k,
              static_cast<long long>(set.size()), data_dir.c_str(), image_path.c_str(),
              info.height);
  for (int i = 0; i < k; ++i) {
    const auto index = static_cast<size_t>(nn.indices[i]);
    std::printf("  %d. %8.3f  %s  %s\n", i + 1, nn.distances[i],
                (std::filesystem::path(data_dir) / set.files[index]).string().c_str(),
                set.descriptions[index].c_str());
  }
  if (nn.verdict_known) {
    std::printf("%s: the nearest is %.2f× the mean distance to the next %lld (a copy: < 1/3)\n",
                nn.near_copy ? "near copy" : "not a copy", nn.ratio(),
                static_cast<long long>(std::min<int64_t>(50, set.size() - 1)));
  }
  return 0;
}

}  // namespace emergence::app
