#pragma once

#include <memory>
#include <opencv2/core.hpp>

#include "core/trajectory.h"

namespace emergence {

// The picture size of a run's export before ExportSettings::scale: the decoded x̂0's size when
// its frames carry one (latent models), else the size of its views.
cv::Size exported_image_size(const Trajectory& run);

// Frame `position` of a run as an export shows it. A run whose frames carry decoded x̂0 (latent
// models) gets a copy with every view at the decoded size, the latent→RGB pictures scaled up by
// nearest neighbour (one latent cell stays one visible block, an honest approximation rather
// than a smoothed guess), and x̂0 the latest decode at or before the step, as the window's
// canvas shows it. Any other run gets the frame itself.
std::shared_ptr<const TrajectoryFrame> exported_frame(const Trajectory& run, int position);

}  // namespace emergence
