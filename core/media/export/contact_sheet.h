#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "core/media/export/export_settings.h"
#include "core/trajectory.h"

namespace emergence {

// A grid of the given steps, each rendered as render_frame does, captioned below with its step
// and σ; settings.sheet_columns columns (0: about square). RGB, CV_8UC3.
cv::Mat make_contact_sheet(const std::vector<const TrajectoryFrame*>& frames,
                           const ExportSettings& settings);
// Width and height make_contact_sheet gives, without rendering.
cv::Size contact_sheet_size(const std::vector<const TrajectoryFrame*>& frames,
                            const ExportSettings& settings);

}  // namespace emergence
