// The emoji dataset builder (Qt + Noto Color Emoji) and the image-folder loader (OpenCV).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/emoji_dataset.h"
#include "app/emoji_renderer.h"
#include "app/labelled_grid.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/media/image_file.h"
#include "core/media/image_folder.h"
#include "core/training/emoji_catalog.h"
#include "core/training/emoji_classes.h"
#include "core/training/training_data.h"

namespace emergence {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("emergence_dataset_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Image8 flat_image(int size, uint8_t value) {
  Image8 image;
  image.width = image.height = size;
  image.channels = 3;
  image.pixels.assign(static_cast<size_t>(size) * size * 3, value);
  return image;
}

constexpr const char* kSnippet =
    "# group: Smileys & Emotion\n"
    "1F600 ; fully-qualified # 😀 E1.0 grinning face\n"
    "263A FE0F ; fully-qualified # ☺️ E0.6 smiling face\n"
    "263A ; unqualified # ☺ E0.6 smiling face\n"
    "# group: People & Body\n"
    "1F44B 1F3FB ; fully-qualified # 👋🏻 E1.0 waving hand: light skin tone\n"
    "1F468 200D 1F469 200D 1F466 ; fully-qualified # 👨‍👩‍👦 E2.0 family: man, woman, "
    "boy\n"
    "# group: Component\n"
    "1F3FB ; component # 🏻 E1.0 light skin tone\n"
    "1F9B0 ; fully-qualified # 🦰 E11.0 red hair\n";

TEST(EmojiCatalog, KeepsFullyQualifiedWithoutSkinTonesOrComponents) {
  const EmojiCatalog catalog = parse_emoji_test(kSnippet, "snippet");
  ASSERT_EQ(catalog.entries.size(), 3u);
  EXPECT_EQ(catalog.groups, (std::vector<std::string>{"Smileys & Emotion", "People & Body"}));
  EXPECT_EQ(catalog.entries[1].name, "smiling face");
  EXPECT_EQ(codepoints_to_hex(catalog.entries[2].codepoints), "1F468 200D 1F469 200D 1F466");
  EXPECT_EQ(catalog.entries[2].name, "family: man, woman, boy");
  EXPECT_EQ(catalog.class_of(catalog.entries[2]), 1);
  EXPECT_EQ(codepoints_to_utf8(catalog.entries[0].codepoints), "\xF0\x9F\x98\x80");
}

TEST(EmojiCatalog, BadLinesNameTheirLine) {
  try {
    parse_emoji_test("# group: X\nZZZZ ; fully-qualified # ? E1.0 bad\n", "bad.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_emoji_test("# nothing here\n", "empty.txt"), Error);
}

TEST(EmojiCatalog, DebianFileHasNineGroups) {
  const EmojiCatalog catalog = read_emoji_test();
  EXPECT_EQ(catalog.groups.size(), 9u);
  EXPECT_GT(catalog.entries.size(), 1800u);
  EXPECT_EQ(catalog.class_of(EmojiEntry{{}, "", "Component", ""}), -1);
}

// Three subgroups of 3, 1 and 1 emoji in one group and one of 2 in another: with min_images 2 the
// first keeps its name, the two singles pool into "A (other)", and B's lone small subgroup (a pool
// of 1 < 2 would be too small) joins B's largest subgroup.
TEST(EmojiClasses, SmallSubgroupsPoolPerGroupOrJoinTheLargest) {
  const std::string text =
      "# group: A\n# subgroup: a-big\n"
      "1F600 ; fully-qualified # x E1.0 one\n1F601 ; fully-qualified # x E1.0 two\n"
      "1F602 ; fully-qualified # x E1.0 three\n"
      "# subgroup: a-single\n1F603 ; fully-qualified # x E1.0 four\n"
      "# subgroup: a-other-single\n1F604 ; fully-qualified # x E1.0 five\n"
      "# group: B\n# subgroup: b-pair\n"
      "1F605 ; fully-qualified # x E1.0 six\n1F606 ; fully-qualified # x E1.0 seven\n"
      "# subgroup: b-single\n1F607 ; fully-qualified # x E1.0 eight\n";
  const EmojiCatalog catalog = parse_emoji_test(text, "snippet");
  EXPECT_EQ(catalog.entries[3].subgroup, "a-single");
  const EmojiClasses classes = subgroup_classes(catalog, 2);
  EXPECT_EQ(classes.names, (std::vector<std::string>{"a-big", "A (other)", "b-pair"}));
  EXPECT_EQ(classes.groups, (std::vector<std::string>{"A", "A", "B"}));
  EXPECT_EQ(classes.of_entry, (std::vector<int>{0, 0, 0, 1, 1, 2, 2, 2}));
  const EmojiClasses by_group = group_classes(catalog);
  EXPECT_EQ(by_group.names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(by_group.of_entry, (std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1}));
}

TEST(EmojiClasses, DebianFileHasSeventySixSubgroupClassesOfEightOrMore) {
  const EmojiCatalog catalog = read_emoji_test();
  const EmojiClasses classes = subgroup_classes(catalog);
  EXPECT_EQ(classes.names.size(), 76u);
  std::vector<int> count(classes.names.size());
  for (const int c : classes.of_entry) {
    ++count[c];
  }
  EXPECT_GE(*std::min_element(count.begin(), count.end()), 8);
  EXPECT_NE(std::find(classes.names.begin(), classes.names.end(), "face-smiling"),
            classes.names.end());
}

// docs/samples.png: cells of seeds side by side, captions beneath, on white.
TEST(LabelledGrid, CellsOfTilesWithCaptionsBeneath) {
  app::ensure_gui_application();
  const std::vector<std::vector<Image8>> cells = {{flat_image(4, 0), flat_image(4, 0)},
                                                  {flat_image(4, 0), flat_image(4, 0)},
                                                  {flat_image(4, 0), flat_image(4, 0)}};
  const Image8 grid = app::make_labelled_grid(cells, {"a", "b", "c"}, 2, 3);
  // Two cells to a row, two rows; each cell 2 tiles of 12 px with a 2 px gap.
  EXPECT_EQ(grid.width, 10 + 2 * (26 + 10));
  EXPECT_GT(grid.height, 10 + 2 * (12 + 10));
  // The first tile starts, black, after a white margin of 10 px.
  EXPECT_EQ(grid.pixels[(10 * grid.width + 10) * 3], 0);
  EXPECT_EQ(grid.pixels[(5 * grid.width + 5) * 3], 255);
  EXPECT_THROW(app::make_labelled_grid(cells, {"a"}, 2, 3), Error);
}

TEST(EmojiDataset, RenderingIsDeterministic) {
  EmojiCatalog catalog = parse_emoji_test(kSnippet, "snippet");
  catalog.entries.push_back({{0x1F1EB, 0x1F1F7}, "flag: France", "People & Body"});
  const app::EmojiDataset first = app::render_emoji_dataset(catalog, group_classes(catalog), 32);
  const app::EmojiDataset second = app::render_emoji_dataset(catalog, group_classes(catalog), 32);
  ASSERT_EQ(first.images.size(), catalog.entries.size());
  for (size_t i = 0; i < first.images.size(); ++i) {
    EXPECT_EQ(first.images[i].pixels, second.images[i].pixels) << first.entries[i].name;
    EXPECT_EQ(first.images[i].width, 32);
    // Drawn, not blank: the emoji covers part of the white square.
    const auto& px = first.images[i].pixels;
    EXPECT_LT(std::count(px.begin(), px.end(), uint8_t{255}), static_cast<long>(px.size()) * 9 / 10)
        << first.entries[i].name;
  }
  EXPECT_TRUE(torch::equal(first.data.images, second.data.images));
  EXPECT_EQ(first.data.labels[3].item<int64_t>(), 1);
}

TEST(EmojiDataset, WrittenFolderLoadsWithItsClasses) {
  const fs::path dir = fresh_dir("emoji");
  const EmojiCatalog catalog = parse_emoji_test(kSnippet, "snippet");
  app::write_emoji_dataset(dir.string(),
                           app::render_emoji_dataset(catalog, group_classes(catalog), 16));
  std::ostringstream warnings;
  const ImageFolder folder = load_image_folder(dir.string(), {16, false}, warnings);
  EXPECT_EQ(folder.data.class_names, catalog.groups);
  EXPECT_EQ(folder.data.size(), 3);
  EXPECT_EQ(folder.data.labels[2].item<int64_t>(), 1);
  const TrainingData npy = read_training_npy(dir.string());
  // PNG round trip is lossless, so the folder and the .npy hold the same pixels.
  EXPECT_TRUE(torch::allclose(npy.images, folder.data.images, 0, 1e-6));
  EXPECT_TRUE(fs::exists(dir / "contact_sheet.png"));
}

// A dataset.json whose class_names is not a list of strings reached the user as nlohmann's
// "[json.exception.type_error.302] type must be array, but is number", naming no file.
TEST(EmojiDataset, ClassNamesThatAreNotNamesAreAnErrorNamingTheFile) {
  const fs::path dir = fresh_dir("bad_class_names");
  const EmojiCatalog catalog = parse_emoji_test(kSnippet, "snippet");
  app::write_emoji_dataset(dir.string(),
                           app::render_emoji_dataset(catalog, group_classes(catalog), 16));
  for (const char* classes : {"5", "[\"Smileys\", 7]", "{\"a\": \"b\"}"}) {
    std::ofstream(dir / "dataset.json") << "{\"class_names\": " << classes << "}";
    for (int reader = 0; reader < 2; ++reader) {
      try {
        std::ostringstream warnings;
        if (reader == 0) {
          load_image_folder(dir.string(), {16, false}, warnings);
        } else {
          read_training_npy(dir.string());
        }
        ADD_FAILURE() << classes << ": no error";
      } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("dataset.json: class_names must be a list of strings"), std::string::npos)
            << m;
      }
    }
  }
}

TEST(ImageFolder, EmptyFolderIsAClearError) {
  const fs::path dir = fresh_dir("empty");
  try {
    std::ostringstream warnings;
    load_image_folder(dir.string(), {}, warnings);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no images found"), std::string::npos) << e.what();
  }
  EXPECT_THROW(
      {
        std::ostringstream warnings;
        load_image_folder((dir / "missing").string(), {}, warnings);
      },
      Error);
}

TEST(ImageFolder, UnreadableImagesAreSkippedWithAWarning) {
  const fs::path dir = fresh_dir("unreadable");
  fs::create_directories(dir / "cats");
  fs::create_directories(dir / "dogs");
  write_image((dir / "cats" / "a.png").string(), flat_image(40, 10));
  write_image((dir / "dogs" / "b.png").string(), flat_image(20, 200));
  std::ofstream(dir / "dogs" / "broken.png") << "this is not a PNG";
  std::ostringstream warnings;
  const ImageFolder folder = load_image_folder(dir.string(), {8, true}, warnings);
  EXPECT_EQ(folder.skipped, 1);
  EXPECT_NE(warnings.str().find("broken.png"), std::string::npos) << warnings.str();
  EXPECT_EQ(folder.data.class_names, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(folder.data.images.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_NEAR(folder.data.images[0].mean().item<float>(), 10 / 127.5 - 1, 1e-5);
  EXPECT_TRUE(torch::equal(folder.data.labels, torch::tensor({0, 1}, torch::kInt64)));
}

TEST(ImageFolder, OnlyBrokenImagesIsAnError) {
  const fs::path dir = fresh_dir("all_broken");
  std::ofstream(dir / "x.png") << "garbage";
  std::ostringstream warnings;
  EXPECT_THROW(load_image_folder(dir.string(), {}, warnings), Error);
}

TEST(ImageFolder, NonSquareImagesAreCentreCropped) {
  const fs::path dir = fresh_dir("crop");
  Image8 wide;
  wide.width = 30;
  wide.height = 10;
  wide.channels = 3;
  wide.pixels.assign(30 * 10 * 3, 0);
  for (int y = 0; y < 10; ++y) {
    for (int x = 10; x < 20; ++x) {
      for (int c = 0; c < 3; ++c) {
        wide.pixels[(y * 30 + x) * 3 + c] = 255;
      }
    }
  }
  write_image((dir / "wide.png").string(), wide);
  std::ostringstream warnings;
  const ImageFolder folder = load_image_folder(dir.string(), {5, false}, warnings);
  EXPECT_FALSE(folder.data.conditional());
  // The centre third is white, so the crop is all white.
  EXPECT_NEAR(folder.data.images.min().item<float>(), 1.0f, 1e-6);
}

// A killed `dataset emoji` (or export) into the folder leaves hidden temporaries: a half-written
// image and a staging folder full of images. The walk must not train on them.
TEST(ImageFolder, WritersTemporariesAreSkipped) {
  const fs::path dir = fresh_dir("temporaries");
  write_image((dir / "kept.png").string(), flat_image(4, 10));
  std::ofstream(dir / temporary_name("cut.png"), std::ios::binary) << "\x89PNG";
  const fs::path staging = dir / temporary_name("emergence") / "files";
  fs::create_directories(staging);
  write_image((staging / "staged.png").string(), flat_image(4, 20));
  std::ostringstream warnings;
  const ImageFolder folder = load_image_folder(dir.string(), {4, false}, warnings);
  EXPECT_EQ(folder.files, (std::vector<std::string>{"kept.png"}));
  EXPECT_EQ(folder.skipped, 0);
  EXPECT_EQ(warnings.str(), "");
}

}  // namespace
}  // namespace emergence
