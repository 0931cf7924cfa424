#include "train_sample_grid.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <algorithm>

namespace emergence::ui {
namespace {

QJsonObject read_index(const QString& samples_dir) {
  QFile file(QDir(samples_dir).filePath(QStringLiteral("index.json")));
  return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                        : QJsonObject();
}

}  // namespace

TrainSampleGrid::TrainSampleGrid(QWidget* parent) : QWidget(parent) {
  setMinimumSize(200, 200);
  setObjectName(QStringLiteral("sampleGrid"));
}

bool TrainSampleGrid::showGrid(const QString& png, int step) {
  const QImage grid(png);
  if (grid.isNull()) {
    return false;
  }
  const QJsonObject index = read_index(QFileInfo(png).absolutePath());
  const int columns = std::max(1, index.value(QStringLiteral("columns")).toInt(1));
  const int tile = index.value(QStringLiteral("tile")).toInt(grid.width());
  const int gap = index.value(QStringLiteral("gap")).toInt(0);
  QStringList labels;
  for (const QJsonValue& v : index.value(QStringLiteral("labels")).toArray()) {
    labels << v.toString();
  }
  tiles_.clear();
  for (int y = gap; y + tile <= grid.height(); y += tile + gap) {
    for (int x = gap, c = 0; x + tile <= grid.width() && c < columns; x += tile + gap, ++c) {
      tiles_.push_back(grid.copy(x, y, tile, tile));
    }
  }
  // Cells of the last row past the images hold the grid's grey; the labels say how many there are.
  const int count = labels.isEmpty() ? static_cast<int>(tiles_.size()) : labels.size();
  tiles_.resize(std::min<size_t>(tiles_.size(), count));
  labels_ = labels;
  columns_ = columns;
  step_ = step;
  update();
  return true;
}

bool TrainSampleGrid::showLatest(const QString& samples_dir) {
  const QJsonObject index = read_index(samples_dir);
  const QString file = index.value(QStringLiteral("file")).toString();
  return !file.isEmpty() &&
         showGrid(QDir(samples_dir).filePath(file), index.value(QStringLiteral("step")).toInt());
}

void TrainSampleGrid::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  const QFontMetrics metrics(font());
  if (tiles_.empty()) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                     tr("Samples of every class appear here as the model learns"));
    return;
  }
  const int header = metrics.height() + 6;
  const int columns = std::min<int>(columns_, static_cast<int>(tiles_.size()));
  const int rows = (static_cast<int>(tiles_.size()) + columns - 1) / columns;
  const int label_height = labels_.isEmpty() ? 0 : metrics.height() + 2;
  const int spacing = 6;
  const int cell_w = (width() - spacing * (columns + 1)) / columns;
  const int cell_h = (height() - header - spacing * (rows + 1)) / rows - label_height;
  const int side = std::max(8, std::min(cell_w, cell_h));
  const int grid_w = columns * side + (columns - 1) * spacing;
  const int x0 = (width() - grid_w) / 2;
  painter.setPen(palette().color(QPalette::Text));
  painter.drawText(QRect(0, 2, width(), header), Qt::AlignHCenter | Qt::AlignTop,
                   tr("Samples at step %1 (same seeds each time)").arg(step_));
  for (size_t i = 0; i < tiles_.size(); ++i) {
    const int column = static_cast<int>(i) % columns;
    const int row = static_cast<int>(i) / columns;
    const QRect target(x0 + column * (side + spacing),
                       header + spacing + row * (side + label_height + spacing), side, side);
    // Nearest-neighbour: the pixels stay pixels.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(target, tiles_[i]);
    if (i < static_cast<size_t>(labels_.size())) {
      painter.drawText(
          QRect(target.left() - spacing / 2, target.bottom() + 1, side + spacing, label_height),
          Qt::AlignHCenter | Qt::AlignTop,
          metrics.elidedText(labels_[static_cast<int>(i)], Qt::ElideRight, side + spacing));
    }
  }
}

}  // namespace emergence::ui
