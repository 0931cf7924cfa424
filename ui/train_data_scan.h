#pragma once

#include <QImage>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <memory>

namespace emergence {
struct ImageFolder;
}

namespace emergence::ui {

// A training folder as the run would see it, for the preview before anything runs.
struct TrainDataSummary {
  QString folder;
  int resolution = 32;
  bool subfolder_classes = false;
  QString error;  // not empty: the folder cannot be trained on, and why
  int images = 0;
  QStringList class_names;                 // empty: unconditional
  QList<int> class_counts;                 // images per class, as class_names
  QList<QPair<QString, QString>> skipped;  // file (relative), why
  QImage contact_sheet;  // up to 64 of the images after cropping and resizing, across classes
  std::shared_ptr<const ImageFolder> data;  // the loaded tensors, for timing steps
};

// Loads the folder exactly as `emergence train` does (core/media/image_folder.h). Blocking:
// call it off the GUI thread.
TrainDataSummary scan_training_folder(const QString& folder, int resolution,
                                      bool subfolder_classes);

// Seconds one optimisation step takes on this machine for a fresh model of these settings on
// `data`: the mean of `timed` steps after one warm-up. Blocking; negative when the settings do
// not fit the data (the message in `error`).
double seconds_per_step(const ImageFolder& data, int batch, const QString& channels,
                        QString* error = nullptr, int timed = 3);

// "≈ 12 min", "≈ 3 h 20 min", "≈ 40 s".
QString approximate_duration(double seconds);

}  // namespace emergence::ui
