#pragma once

#include <QObject>
#include <memory>

#include "sampling_worker.h"

namespace emergence {
class SpectralTrack;
struct SpectralSnapshot;
}  // namespace emergence

namespace emergence::ui {

class SpectrumPanel;

// Feeds the spectrum panel from the runs: the analysis factory gives each run its own
// SpectralTrack on the sampling thread (for a latent model with a preview decoder, fed the
// frames that carry a decoded x̂0; else the latent→RGB ones), and tells the panel which; refresh()
// hands the track's latest immutable snapshot to the panel on the GUI thread (called from the
// window's throttled redraw).
class SpectrumLink : public QObject {
  Q_OBJECT

 public:
  SpectrumLink(SpectrumPanel* panel, QObject* parent);
  ~SpectrumLink() override;

  AnalysisFactory factory() const;
  // A new run starts: the panel empties until its first frame is analysed.
  void clear();
  void refresh();
  // The snapshot on the panel (the run's latest), and a kept one shown again (a restored run).
  std::shared_ptr<const SpectralSnapshot> shown() const { return shown_; }
  void show(std::shared_ptr<const SpectralSnapshot> snapshot);

 private:
  struct CurrentTrack;
  std::shared_ptr<CurrentTrack> current_;
  SpectrumPanel* panel_;
  std::shared_ptr<const SpectralSnapshot> shown_;
};

}  // namespace emergence::ui
