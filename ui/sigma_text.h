#pragma once

#include <QString>

namespace emergence::ui {

// A noise level σ as a person reads it: three significant figures, thousands grouped
// ("20 300"), powers of ten only far from 1 ("2.0·10⁶", "4.2·10⁻⁵"), never "2.029e+04".
QString sigmaText(double sigma);

}  // namespace emergence::ui
