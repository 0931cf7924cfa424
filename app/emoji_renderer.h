#pragma once

#include <QFont>

#include "core/display_image.h"
#include "core/training/emoji_catalog.h"

namespace emergence::app {

// Draws emoji with Noto Color Emoji through Qt: large (the font's own 109 ppem bitmap strike, whose
// glyphs are 136 × 128 px, unscaled), centred on its ink in a 136 px square, composited on white,
// then area-averaged down to the target size. Needs a QGuiApplication. Deterministic: bitmap
// glyphs and Qt's integer area filter.
class EmojiRenderer {
 public:
  // Throws Error when the font is not installed (Debian: fonts-noto-color-emoji).
  explicit EmojiRenderer(int size);

  // An RGB image of size × size; throws Error when the font draws nothing or a wider-than-one-
  // glyph run (a sequence it does not ligate).
  Image8 render(const EmojiEntry& entry) const;

  static constexpr const char* kFontFamily = "Noto Color Emoji";
  static constexpr int kRenderSize = 136;
  static constexpr int kStrikePpem = 109;

 private:
  int size_;
  QFont font_;
};

}  // namespace emergence::app
