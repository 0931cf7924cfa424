#pragma once

#include <QString>

#include "core/media/spectrum_snapshot.h"

namespace emergence::ui {

// The spectrum panel's read-out for one recorded step, in plain words. It keeps apart the two
// pictures it speaks of: how much of the image the noise in x_t still hides (the cutoff), and
// how many frequency bands the clean guess x̂0 has already settled (the lock-in), which can
// happen while x_t is still all noise.
QString spectrumSummary(const SpectralSnapshot& snapshot, int row);

}  // namespace emergence::ui
