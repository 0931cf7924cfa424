#include "run_wording.h"

#include <QObject>

#include "core/generation_params.h"
#include "core/image_guide.h"

namespace emergence::ui {

int steps_run(const GenerationParams& params) {
  return params.init_image_hash.empty() ? params.steps
                                        : steps_to_run(params.steps, params.strength);
}

QString steps_phrase(int steps) {
  return steps == 1 ? QObject::tr("1 step") : QObject::tr("%1 steps").arg(steps);
}

QString run_done_text(int steps, int calls) {
  if (calls == steps) {
    return QObject::tr("Done: %1").arg(steps_phrase(steps));
  }
  return QObject::tr("Done: %1 (%2 model calls)").arg(steps_phrase(steps)).arg(calls);
}

QString run_stopped_text(int calls_done, int calls, int steps) {
  if (calls == steps) {
    return QObject::tr("Stopped at step %1 of %2; the steps so far are kept")
        .arg(calls_done)
        .arg(steps);
  }
  return QObject::tr("Stopped after model call %1 of %2 (%3); the frames so far are kept")
      .arg(calls_done)
      .arg(calls)
      .arg(steps_phrase(steps));
}

QString frame_position_text(int index, int calls, int steps) {
  if (index == 0) {
    return QObject::tr("Starting noise");
  }
  if (calls == steps) {
    return QObject::tr("Step %1 of %2").arg(index).arg(steps);
  }
  return QObject::tr("Model call %1 of %2 (%3)").arg(index).arg(calls).arg(steps_phrase(steps));
}

}  // namespace emergence::ui
