#include "emoji_renderer.h"

#include <QFontDatabase>
#include <QFontInfo>
#include <QImage>
#include <QPainter>
#include <QString>
#include <algorithm>

#include "core/error.h"

namespace emergence::app {
namespace {

// The canvas leaves room around the em box so that wide glyphs (flags) are never clipped.
constexpr int kCanvas = 2 * EmojiRenderer::kRenderSize;

QRect ink_bounds(const QImage& image) {
  int left = image.width(), top = image.height(), right = -1, bottom = -1;
  for (int y = 0; y < image.height(); ++y) {
    const auto* row = reinterpret_cast<const QRgb*>(image.constScanLine(y));
    for (int x = 0; x < image.width(); ++x) {
      if (qAlpha(row[x]) != 0) {
        left = std::min(left, x);
        right = std::max(right, x);
        top = std::min(top, y);
        bottom = std::max(bottom, y);
      }
    }
  }
  return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

}  // namespace

EmojiRenderer::EmojiRenderer(int size) : size_(size), font_(QString::fromLatin1(kFontFamily)) {
  if (size < 8 || size > kRenderSize) {
    throw Error("--size must be between 8 and " + std::to_string(kRenderSize) + ", got " +
                std::to_string(size));
  }
  if (!QFontDatabase::families().contains(QString::fromLatin1(kFontFamily))) {
    throw Error(std::string("font '") + kFontFamily +
                "' is not installed (Debian: apt-get install fonts-noto-color-emoji)");
  }
  // Drawing at the strike's own size keeps Qt from resampling the bitmaps.
  font_.setPixelSize(kStrikePpem);
  font_.setStyleStrategy(QFont::NoFontMerging);
  font_.setHintingPreference(QFont::PreferNoHinting);
}

Image8 EmojiRenderer::render(const EmojiEntry& entry) const {
  const std::string utf8 = codepoints_to_utf8(entry.codepoints);
  QImage canvas(kCanvas, kCanvas, QImage::Format_ARGB32_Premultiplied);
  canvas.fill(Qt::transparent);
  {
    QPainter painter(&canvas);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.setFont(font_);
    painter.drawText(QRect(0, 0, kCanvas, kCanvas), Qt::AlignCenter, QString::fromUtf8(utf8));
  }
  const QRect ink = ink_bounds(canvas);
  const std::string what = "emoji " + codepoints_to_hex(entry.codepoints) + " (" + entry.name + ")";
  if (ink.isNull()) {
    throw Error(what + ": the font drew nothing");
  }
  // A sequence the font does not ligate falls apart into several glyphs side by side.
  if (ink.width() > kRenderSize * 5 / 4 || ink.height() > kRenderSize * 5 / 4) {
    throw Error(what + ": drawn " + std::to_string(ink.width()) + " px wide, more than one glyph");
  }
  // A square of one em (or the ink, if larger) centred on the ink keeps the font's relative sizes.
  const int side = std::max({kRenderSize, ink.width(), ink.height()});
  const QPoint centre = ink.center();
  QImage square(side, side, QImage::Format_ARGB32_Premultiplied);
  square.fill(Qt::white);
  {
    QPainter painter(&square);
    painter.drawImage(QPoint(0, 0), canvas,
                      QRect(centre.x() - side / 2, centre.y() - side / 2, side, side));
  }
  // Qt's smooth downscale averages every source pixel under a target pixel (area filtering).
  const QImage small = square.scaled(size_, size_, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                           .convertToFormat(QImage::Format_RGB888);
  Image8 image;
  image.width = size_;
  image.height = size_;
  image.channels = 3;
  image.pixels.resize(static_cast<size_t>(size_) * size_ * 3);
  for (int y = 0; y < size_; ++y) {
    std::copy_n(small.constScanLine(y), size_ * 3, image.pixels.begin() + y * size_ * 3);
  }
  return image;
}

}  // namespace emergence::app
