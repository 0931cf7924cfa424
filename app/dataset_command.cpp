#include "dataset_command.h"

#include <iostream>
#include <string>

#include "app/emoji_dataset.h"
#include "core/error.h"

namespace emergence::app {
namespace {

constexpr const char* kDatasetUsage =
    "usage: emergence dataset emoji --out DIR [--size 32] [--limit N] [--classes subgroup|group]\n"
    "  Renders every fully-qualified emoji without skin-tone modifiers from Noto Color Emoji\n"
    "  on white. Classes (--classes): the Unicode subgroups of\n"
    "  /usr/share/unicode/emoji/emoji-test.txt, those under 8 emoji pooled per group (default),\n"
    "  or the 9 groups.\n"
    "  Writes images/NNNN.png, manifest.csv, images.npy, labels.npy, dataset.json and\n"
    "  contact_sheet.png. --limit N (N >= 1) renders only the first N emoji; without it, all.\n";

int parse_int(const std::string& flag, const std::string& value) {
  try {
    size_t used = 0;
    const int v = std::stoi(value, &used);
    if (used == value.size()) {
      return v;
    }
  } catch (const std::exception&) {
  }
  throw Error(flag + " expects a whole number, got '" + value + "'");
}

}  // namespace

int run_dataset_command(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "emoji") {
    std::cerr << kDatasetUsage;
    return 2;
  }
  std::string out;
  int size = 32;
  int limit = 0;
  std::string labelling = "subgroup";
  for (int i = 3; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kDatasetUsage;
      return 0;
    }
    if (i + 1 >= argc) {
      throw Error(flag + " needs a value\n" + kDatasetUsage);
    }
    const std::string value = argv[++i];
    if (flag == "--out") {
      out = value;
    } else if (flag == "--size") {
      size = parse_int(flag, value);
    } else if (flag == "--classes") {
      if (value != "subgroup" && value != "group") {
        throw Error("--classes must be subgroup or group, got '" + value + "'");
      }
      labelling = value;
    } else if (flag == "--limit") {
      limit = parse_int(flag, value);
      if (limit < 1) {
        throw Error("--limit must be at least 1 (got " + value +
                    "); leave it out to render every emoji");
      }
    } else {
      throw Error("unknown option " + flag + "\n" + kDatasetUsage);
    }
  }
  if (out.empty()) {
    throw Error(std::string("--out DIR is required\n") + kDatasetUsage);
  }
  const EmojiCatalog catalog = read_emoji_test();
  const EmojiClasses classes =
      labelling == "group" ? group_classes(catalog) : subgroup_classes(catalog);
  const EmojiDataset dataset = render_emoji_dataset(catalog, classes, size, limit);
  write_emoji_dataset(out, dataset);
  std::cout << "wrote " << dataset.images.size() << " emoji (" << size << "x" << size << ", "
            << dataset.data.class_names.size() << " classes) to " << out << "\n";
  return 0;
}

}  // namespace emergence::app
