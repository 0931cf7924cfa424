#pragma once

#include <string>
#include <vector>

#include "emoji_catalog.h"

namespace emergence {

// The classes a rendered emoji set is labelled with: a name and a heading (its group) per class,
// and each catalog entry's class.
struct EmojiClasses {
  std::vector<std::string> names;
  std::vector<std::string> groups;  // the group each class sits under
  std::vector<int> of_entry;        // class index of catalog.entries[i]
};

// One class per Unicode group (Smileys & Emotion, …, Flags): the first built-in model's labels.
EmojiClasses group_classes(const EmojiCatalog& catalog);

// One class per Unicode subgroup ("face-smiling", "animal-mammal", "country-flag", …). Subgroups
// with fewer than min_images emoji are too small to learn as classes: within each group they pool
// into one "<group> (other)" class, and a pool that is still too small joins the group's largest
// subgroup. Classes keep Unicode's order.
EmojiClasses subgroup_classes(const EmojiCatalog& catalog, int min_images = 8);

}  // namespace emergence
