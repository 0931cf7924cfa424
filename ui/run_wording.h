#pragma once

#include <QString>

namespace emergence {
struct GenerationParams;
}

namespace emergence::ui {

// How the window words a run. A frame is the image after one model call; most samplers make one
// call per step, Heun two, so the step count always comes from the run's parameters, never from
// the number of calls.

// The steps a run takes: all of them from noise, the last ⌊N·strength⌋ from a start image.
int steps_run(const emergence::GenerationParams& params);
// "1 step", "30 steps".
QString steps_phrase(int steps);
// "Done: 30 steps", or "Done: 30 steps (59 model calls)" when calls and steps differ.
QString run_done_text(int steps, int calls);
// "Stopped at step 12 of 30; …", or in model calls when calls and steps differ.
QString run_stopped_text(int calls_done, int calls, int steps);
// Where frame `index` of a run sits: "Starting noise", "Step 12 of 30" or, when calls and steps
// differ, "Model call 20 of 59 (30 steps)".
QString frame_position_text(int index, int calls, int steps);

}  // namespace emergence::ui
