#pragma once

#include <string>
#include <vector>

#include "core/display_image.h"
#include "core/training/emoji_catalog.h"
#include "core/training/emoji_classes.h"
#include "core/training/training_data.h"

namespace emergence::app {

// The rendered emoji set: one RGB image per catalog entry that the font draws, labelled with its
// class (its subgroup or group, see emoji_classes.h).
struct EmojiDataset {
  std::vector<EmojiEntry> entries;  // those rendered, in emoji-test.txt order
  std::vector<Image8> images;
  TrainingData data;  // the same images as a tensor, with the classes' names and groups
};

// Renders `catalog` at size × size (limit > 0: only the first `limit` entries); entries the font
// cannot draw are skipped with a warning on stderr. Needs a QGuiApplication.
EmojiDataset render_emoji_dataset(const EmojiCatalog& catalog, const EmojiClasses& classes,
                                  int size, int limit = 0);

// Writes images/NNNN.png, manifest.csv, images.npy, labels.npy, dataset.json and
// contact_sheet.png into dir (created if missing).
void write_emoji_dataset(const std::string& dir, const EmojiDataset& dataset);

// Creates the QGuiApplication the renderer needs when none exists (offscreen unless
// QT_QPA_PLATFORM says otherwise).
void ensure_gui_application();

}  // namespace emergence::app
