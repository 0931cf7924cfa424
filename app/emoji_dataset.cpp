#include "emoji_dataset.h"

#include <QGuiApplication>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/emoji_renderer.h"
#include "core/error.h"
#include "core/media/image_file.h"
#include "core/training/dataset_manifest.h"
#include "core/training/image_grid.h"

namespace emergence::app {

void ensure_gui_application() {
  if (QCoreApplication::instance() != nullptr) {
    return;
  }
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
  }
  static int argc = 1;
  static char name[] = "emergence";
  static char* argv[] = {name, nullptr};
  static QGuiApplication app(argc, argv);
}

EmojiDataset render_emoji_dataset(const EmojiCatalog& catalog, const EmojiClasses& classes,
                                  int size, int limit) {
  ensure_gui_application();
  const EmojiRenderer renderer(size);
  EmojiDataset dataset;
  std::vector<int64_t> labels;
  const size_t count =
      limit > 0 ? std::min<size_t>(limit, catalog.entries.size()) : catalog.entries.size();
  for (size_t i = 0; i < count; ++i) {
    const EmojiEntry& entry = catalog.entries[i];
    try {
      dataset.images.push_back(renderer.render(entry));
    } catch (const Error& e) {
      std::cerr << "warning: skipped " << e.what() << "\n";
      continue;
    }
    dataset.entries.push_back(entry);
    labels.push_back(classes.of_entry.at(i));
  }
  if (dataset.images.empty()) {
    throw Error("no emoji could be rendered");
  }
  dataset.data.images = images_to_tensor(dataset.images);
  dataset.data.labels = torch::tensor(labels, torch::kInt64);
  dataset.data.class_names = classes.names;
  dataset.data.class_groups = classes.groups;
  return dataset;
}

void write_emoji_dataset(const std::string& dir, const EmojiDataset& dataset) {
  namespace fs = std::filesystem;
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root / "images", ec);
  if (ec) {
    throw Error("cannot create " + (root / "images").string() + ": " + ec.message());
  }
  std::vector<ManifestRow> rows;
  for (size_t i = 0; i < dataset.images.size(); ++i) {
    char file[32];
    std::snprintf(file, sizeof file, "images/%04zu.png", i);
    write_image((root / file).string(), dataset.images[i]);
    const EmojiEntry& entry = dataset.entries[i];
    rows.push_back({file, codepoints_to_hex(entry.codepoints), entry.name,
                    dataset.data.class_names.at(dataset.data.labels[i].item<int64_t>())});
  }
  write_manifest((root / kManifestFile).string(), rows);
  write_training_npy(dir, dataset.data);
  write_image((root / "contact_sheet.png").string(), make_image_grid(dataset.images, 48));
}

}  // namespace emergence::app
