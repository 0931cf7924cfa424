#pragma once

#include <opencv2/core.hpp>

#include "core/media/step_comparison.h"

namespace emergence {

// The compare grid: one row per sampler, one column per step count, each final image enlarged
// `scale` times by pixel repetition and captioned with its steps, time and distance to the
// reference; the reference itself ends the first row. Cells not run yet stay empty, so a grid
// of a partial result shows how far the comparison got. RGB, CV_8UC3.
cv::Mat draw_comparison_grid(const ComparisonPlan& plan, const ComparisonResult& result, int scale);

// The convergence chart: distance to the reference against model calls, log-log, one line per
// sampler; the top panel is the RMSE, the row below it one small panel per spectral band, from
// coarse structure to fine detail. RGB, CV_8UC3.
cv::Mat draw_convergence_chart(const ComparisonPlan& plan, const ComparisonResult& result);

}  // namespace emergence
