#include "labelled_grid.h"

#include <QFont>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QString>

#include "core/error.h"

namespace emergence::app {
namespace {

QImage to_qimage(const Image8& image) {
  QImage out(image.width, image.height, QImage::Format_RGB888);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const size_t at = (static_cast<size_t>(y) * image.width + x) * image.channels;
      const uint8_t r = image.pixels[at];
      const uint8_t g = image.channels >= 3 ? image.pixels[at + 1] : r;
      const uint8_t b = image.channels >= 3 ? image.pixels[at + 2] : r;
      out.setPixel(x, y, qRgb(r, g, b));
    }
  }
  return out;
}

}  // namespace

Image8 make_labelled_grid(const std::vector<std::vector<Image8>>& cells,
                          const std::vector<std::string>& captions, int columns, int scale) {
  if (cells.empty() || cells.size() != captions.size() || cells.front().empty() || columns < 1) {
    throw Error("a labelled grid needs one caption per non-empty cell");
  }
  const int tile_w = cells.front().front().width * scale;
  const int tile_h = cells.front().front().height * scale;
  const int per_cell = static_cast<int>(cells.front().size());
  constexpr int kGap = 2, kMargin = 10;
  QFont font;
  font.setPixelSize(12);
  const QFontMetrics metrics(font);
  const int caption_h = metrics.height() + 4;
  const int cell_w = per_cell * tile_w + (per_cell - 1) * kGap;
  const int cell_h = tile_h + caption_h;
  const int rows = (static_cast<int>(cells.size()) + columns - 1) / columns;
  QImage figure(kMargin + columns * (cell_w + kMargin), kMargin + rows * (cell_h + kMargin),
                QImage::Format_RGB888);
  figure.fill(Qt::white);
  QPainter painter(&figure);
  painter.setFont(font);
  painter.setPen(QColor(40, 40, 40));
  for (size_t c = 0; c < cells.size(); ++c) {
    const int x0 = kMargin + static_cast<int>(c % columns) * (cell_w + kMargin);
    const int y0 = kMargin + static_cast<int>(c / columns) * (cell_h + kMargin);
    for (size_t t = 0; t < cells[c].size(); ++t) {
      const QImage tile = to_qimage(cells[c][t]).scaled(tile_w, tile_h);
      painter.drawImage(x0 + static_cast<int>(t) * (tile_w + kGap), y0, tile);
    }
    const QString caption =
        metrics.elidedText(QString::fromStdString(captions[c]), Qt::ElideRight, cell_w);
    painter.drawText(QRect(x0, y0 + tile_h, cell_w, caption_h), Qt::AlignCenter, caption);
  }
  painter.end();
  Image8 out;
  out.width = figure.width();
  out.height = figure.height();
  out.channels = 3;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const uchar* line = figure.constScanLine(y);
    std::copy(line, line + out.width * 3,
              out.pixels.begin() + static_cast<size_t>(y) * out.width * 3);
  }
  return out;
}

}  // namespace emergence::app
