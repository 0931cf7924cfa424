#pragma once

// SpectrumPanel: watch low-frequency structure settle before fine detail.
//
// API (both are slots; call them from the GUI thread):
//   setSnapshot(std::shared_ptr<const SpectralSnapshot>)  the run's spectra, e.g. from
//       emergence::SpectralTrack::snapshot() (core/media/spectral_track.h) after each frame;
//       null clears the panel. Snapshots are immutable; the panel keeps the pointer.
//   setCurrentStep(int)  the frame shown (0 = initial noise … total calls); values past the
//       latest recorded frame show the latest.
// Optional: the signal stepPicked(int) fires when the user clicks or drags on the heatmap.
//
// Shows a log-log RAPSD plot of the current step (x̂0, x_t, the final image, the noise floor and
// the cutoff), a steps × bands lock-in heatmap with each band's emergence step and a cursor, hover
// read-outs, and an "Export CSV…" button (layout: core/media/spectrum_csv.h).
#include <QWidget>
#include <memory>

#include "core/media/spectrum_snapshot.h"

class QLabel;
class QPushButton;

namespace emergence::ui {

class LockinHeatmap;
class SpectrumPlot;

class SpectrumPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SpectrumPanel(QWidget* parent = nullptr);

 public Q_SLOTS:
  void setSnapshot(std::shared_ptr<const emergence::SpectralSnapshot> snapshot);
  void setCurrentStep(int step);
  // Whether the next snapshots are a latent model's, measured on `decoder`'s x̂0 previews
  // ("TAESD") or, with an empty name, on the latent→RGB approximation; the header says which.
  void setSource(bool latent, const QString& decoder);

 Q_SIGNALS:
  void stepPicked(int step);

 private:
  void exportCsv();
  void updateSummary();
  QString sourceNote() const;

  std::shared_ptr<const SpectralSnapshot> snapshot_;
  int step_ = 0;
  bool latent_ = false;
  QString decoder_;
  QLabel* header_ = nullptr;
  QLabel* summary_ = nullptr;
  SpectrumPlot* plot_ = nullptr;
  LockinHeatmap* heatmap_ = nullptr;
  QPushButton* export_ = nullptr;
};

}  // namespace emergence::ui
