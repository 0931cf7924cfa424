#include "spectrum_summary.h"

#include <QCoreApplication>
#include <algorithm>

#include "sigma_text.h"

namespace emergence::ui {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("SpectrumSummary", text); }

// What the noise in x_t hides, measured against the final image (or the latest guess mid-run).
QString noisyImageText(const SpectralSnapshot& s, int row) {
  const double cutoff = s.cutoff[row];
  if (!(s.steps[row]->noise_floor > 0.0)) {
    return tr("the noisy image x_t has no noise left");
  }
  if (cutoff <= 0.0) {
    return tr("the noisy image x_t is still all noise, at every frequency");
  }
  if (cutoff >= 0.5) {
    return tr("the noisy image x_t shows every detail above its noise");
  }
  return tr("in the noisy image x_t, noise hides detail finer than %1 px")
      .arg(1.0 / cutoff, 0, 'f', 1);
}

}  // namespace

QString spectrumSummary(const SpectralSnapshot& s, int row) {
  row = std::clamp(row, 0, s.num_steps() - 1);
  int settled = 0;
  for (int b = 0; b < s.num_bands(); ++b) {
    const int e = s.emergence[b];
    settled += e >= 0 && e <= row ? 1 : 0;
  }
  const bool all_noise = s.steps[row]->noise_floor > 0.0 && s.cutoff[row] <= 0.0;
  // "yet": x̂0 settling while x_t is all noise is the interesting case, not a contradiction.
  const QString joint = all_noise && settled > 0 ? tr(", yet") : tr(";");
  const QString against = s.complete ? tr("the final image") : tr("the latest guess");
  return tr("Step %1 of %2 (noise level σ %3): %4%5 the clean guess x̂0 has %6 of %7 bands "
            "settled (matching %8).")
      .arg(s.steps[row]->index)
      .arg(s.total_calls)
      .arg(sigmaText(s.steps[row]->sigma))
      .arg(noisyImageText(s, row), joint)
      .arg(settled)
      .arg(s.num_bands())
      .arg(against);
}

}  // namespace emergence::ui
