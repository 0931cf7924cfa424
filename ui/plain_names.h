#pragma once

#include <QString>

namespace emergence::ui {

// A few plain words for a sampler or spacing name ("deterministic, few steps"), shown next to
// the technical name; empty for a name it does not know.
QString samplerHint(const QString& sampler);
QString spacingHint(const QString& spacing);
// One sentence on what the sampler or spacing does, for tooltips.
QString samplerExplanation(const QString& sampler);
QString spacingExplanation(const QString& spacing);

}  // namespace emergence::ui
