#include "train_data_scan.h"

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/display_image.h"
#include "core/media/image_folder.h"
#include "core/training/default_unet_config.h"
#include "core/training/image_grid.h"
#include "core/training/trainer.h"
#include "core/training/training_run.h"
#include "frame_images.h"

namespace emergence::ui {
namespace {

constexpr int kSheetImages = 64;

QImage contact_sheet(const TrainingData& data) {
  const int64_t count = data.size();
  const int shown = static_cast<int>(std::min<int64_t>(count, kSheetImages));
  std::vector<Image8> tiles;
  for (int i = 0; i < shown; ++i) {
    // Spread over the whole set, which is sorted by class: every class shows.
    tiles.push_back(to_image8(data.images[i * count / shown], DisplayMapping::Image));
  }
  const int resolution = static_cast<int>(data.images.size(3));
  const int scale = std::clamp(48 / std::max(1, resolution), 1, 16);
  return qimage_from_image8(make_image_grid(tiles, std::min(shown, 8), 2, scale));
}

}  // namespace

TrainDataSummary scan_training_folder(const QString& folder, int resolution,
                                      bool subfolder_classes) {
  TrainDataSummary summary;
  summary.folder = folder;
  summary.resolution = resolution;
  summary.subfolder_classes = subfolder_classes;
  try {
    ImageFolderOptions options;
    options.resolution = resolution;
    options.subfolder_classes = subfolder_classes;
    std::ostringstream warnings;  // the skipped list below says the same
    auto loaded =
        std::make_shared<ImageFolder>(load_image_folder(folder.toStdString(), options, warnings));
    const TrainingData& data = loaded->data;
    summary.images = static_cast<int>(data.size());
    for (const std::string& name : data.class_names) {
      summary.class_names.append(QString::fromStdString(name));
    }
    if (data.conditional()) {
      const torch::Tensor counts =
          torch::bincount(data.labels, {}, static_cast<int64_t>(data.class_names.size()));
      for (int64_t c = 0; c < counts.size(0); ++c) {
        summary.class_counts.append(static_cast<int>(counts[c].item<int64_t>()));
      }
    }
    for (const SkippedImage& skipped : loaded->skipped_files) {
      summary.skipped.append(
          {QString::fromStdString(skipped.file), QString::fromStdString(skipped.reason)});
    }
    summary.contact_sheet = contact_sheet(data);
    summary.data = std::move(loaded);
  } catch (const std::exception& e) {
    summary.error = QString::fromStdString(e.what());
  }
  return summary;
}

double seconds_per_step(const ImageFolder& folder, int batch, const QString& channels,
                        QString* error, int timed) {
  try {
    const TrainingData& data = folder.data;
    TrainerOptions options;
    options.batch_size = batch;
    options.steps = 1 + timed;
    const UNet2DConfig config = default_unet_config(
        static_cast<int>(data.images.size(2)), static_cast<int>(data.images.size(1)),
        parse_channel_list(channels.toStdString()), static_cast<int>(data.class_names.size()));
    Trainer trainer(config, data, options);
    trainer.step();  // warm-up: allocations, thread pools, caches
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < timed; ++i) {
      trainer.step();
    }
    return clock.nsecsElapsed() / 1e9 / timed;
  } catch (const std::exception& e) {
    if (error != nullptr) {
      *error = QString::fromStdString(e.what());
    }
    return -1.0;
  }
}

QString approximate_duration(double seconds) {
  if (seconds < 90) {
    return QObject::tr("≈ %1 s").arg(std::max(1, static_cast<int>(std::lround(seconds))));
  }
  const int minutes = static_cast<int>(std::lround(seconds / 60));
  if (minutes < 90) {
    return QObject::tr("≈ %1 min").arg(minutes);
  }
  return QObject::tr("≈ %1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

}  // namespace emergence::ui
