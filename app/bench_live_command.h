#pragma once

namespace emergence::app {

// `emergence bench live [--model DIR] [--steps N] [--strength S] [--strokes K]`: Live mode in the
// real window (offscreen without a display). Paints K strokes on a sketch, one after another as a
// person would, and times each from the end of the stroke (mouse release) to the new result
// painted on the canvas: median and p95.
int run_bench_live_command(int argc, char** argv);

}  // namespace emergence::app
