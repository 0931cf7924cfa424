#include "emoji_classes.h"

#include <algorithm>
#include <map>
#include <utility>

namespace emergence {

EmojiClasses group_classes(const EmojiCatalog& catalog) {
  EmojiClasses classes;
  classes.names = catalog.groups;
  classes.groups = catalog.groups;
  for (const EmojiEntry& entry : catalog.entries) {
    classes.of_entry.push_back(catalog.class_of(entry));
  }
  return classes;
}

EmojiClasses subgroup_classes(const EmojiCatalog& catalog, int min_images) {
  using Key = std::pair<std::string, std::string>;  // group, subgroup
  std::vector<Key> order;
  std::map<Key, int> count;
  for (const EmojiEntry& entry : catalog.entries) {
    const Key key{entry.group, entry.subgroup};
    if (count[key]++ == 0) {
      order.push_back(key);
    }
  }
  // Where each subgroup's emoji go: itself, the group's pool, or the group's largest subgroup.
  std::map<std::string, int> pooled;  // group → emoji in its small subgroups
  std::map<std::string, Key> largest;
  for (const Key& key : order) {
    if (count[key] < min_images) {
      pooled[key.first] += count[key];
    }
    const auto best = largest.find(key.first);
    if (best == largest.end() || count[key] > count[best->second]) {
      largest[key.first] = key;
    }
  }
  const auto class_name_of = [&](const Key& key) {
    if (count[key] >= min_images) {
      return key.second;
    }
    if (pooled[key.first] >= min_images) {
      return key.first + " (other)";
    }
    return largest[key.first].second;
  };
  EmojiClasses classes;
  std::map<std::string, int> index;
  for (const Key& key : order) {
    const std::string name = class_name_of(key);
    if (index.emplace(name, static_cast<int>(classes.names.size())).second) {
      classes.names.push_back(name);
      classes.groups.push_back(key.first);
    }
  }
  for (const EmojiEntry& entry : catalog.entries) {
    classes.of_entry.push_back(index.at(class_name_of({entry.group, entry.subgroup})));
  }
  return classes;
}

}  // namespace emergence
