#include "spectrum_panel.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "core/error.h"
#include "core/media/spectrum_csv.h"
#include "ui/lockin_heatmap.h"
#include "ui/spectrum_plot.h"
#include "ui/spectrum_summary.h"

namespace emergence::ui {

SpectrumPanel::SpectrumPanel(QWidget* parent) : QWidget(parent) {
  header_ = new QLabel(this);
  header_->setWordWrap(true);
  plot_ = new SpectrumPlot(this);
  heatmap_ = new LockinHeatmap(this);
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  export_ = new QPushButton(tr("Export CSV…"), this);
  export_->setEnabled(false);
  export_->setToolTip(tr("Per-step spectra, lock-in and emergence steps as one CSV table"));

  // Wrapped labels report a one-line minimum, so a short window squeezed the plots under the
  // read-out; reserve the lines they take at the panel's usual width instead.
  const int line = fontMetrics().lineSpacing();
  header_->setMinimumHeight(3 * line);
  summary_->setMinimumHeight(4 * line);
  auto* footer = new QHBoxLayout;
  footer->addStretch(1);
  footer->addWidget(export_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(header_);
  layout->addWidget(plot_, 3);
  layout->addWidget(heatmap_, 2);
  layout->addWidget(summary_);
  layout->addLayout(footer);

  connect(export_, &QPushButton::clicked, this, &SpectrumPanel::exportCsv);
  connect(heatmap_, &LockinHeatmap::stepPicked, this, &SpectrumPanel::stepPicked);
  setSnapshot(nullptr);
}

void SpectrumPanel::setSnapshot(std::shared_ptr<const SpectralSnapshot> snapshot) {
  snapshot_ = std::move(snapshot);
  plot_->setSnapshot(snapshot_);
  heatmap_->setSnapshot(snapshot_);
  export_->setEnabled(snapshot_ && !snapshot_->steps.empty());
  if (!snapshot_ || snapshot_->steps.empty()) {
    header_->setText(tr("Spectrum: no run yet"));
  } else {
    const QString plane = snapshot_->channel < 0 ? tr("brightness (Rec.601 luminance)")
                                                 : tr("colour channel %1").arg(snapshot_->channel);
    header_->setText(tr("How much coarse and fine detail the %1 holds at each step (%2×%3 px, "
                        "%4 bands from coarse to fine; power in dB)")
                         .arg(plane)
                         .arg(snapshot_->width)
                         .arg(snapshot_->height)
                         .arg(snapshot_->num_bands()) +
                     sourceNote());
  }
  updateSummary();
}

void SpectrumPanel::setSource(bool latent, const QString& decoder) {
  latent_ = latent;
  decoder_ = decoder;
}

QString SpectrumPanel::sourceNote() const {
  if (!latent_) {
    return {};
  }
  if (decoder_.isEmpty()) {
    return tr(", from the latent→RGB approximation (one pixel per latent cell)");
  }
  const auto& steps = snapshot_->steps;
  const int count = static_cast<int>(steps.size());
  // The decoder runs every k steps, k chosen to keep its cost small: say what it came to.
  const int every =
      count > 1 ? (steps.back()->index - steps.front()->index + (count - 1) / 2) / (count - 1) : 0;
  return every > 1 ? tr(", from %1 previews, about every %2 steps").arg(decoder_).arg(every)
                   : tr(", from %1 previews").arg(decoder_);
}

void SpectrumPanel::setCurrentStep(int step) {
  step_ = step;
  plot_->setCurrentStep(step);
  heatmap_->setCurrentStep(step);
  updateSummary();
}

void SpectrumPanel::updateSummary() {
  if (!snapshot_ || snapshot_->steps.empty()) {
    summary_->clear();
    return;
  }
  summary_->setText(spectrumSummary(*snapshot_, step_));
}

void SpectrumPanel::exportCsv() {
  if (!snapshot_) {
    return;
  }
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export spectrum CSV"), QStringLiteral("spectrum.csv"), tr("CSV files (*.csv)"));
  if (path.isEmpty()) {
    return;
  }
  try {
    write_spectrum_csv(path.toStdString(), *snapshot_);
  } catch (const Error& e) {
    QMessageBox::warning(this, tr("Export CSV"), QString::fromStdString(e.what()));
  }
}

}  // namespace emergence::ui
