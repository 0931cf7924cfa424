#pragma once

#include <QImage>
#include <QList>
#include <QStringList>
#include <memory>

namespace emergence {
struct Image8;
struct TrajectoryFrame;
}  // namespace emergence

namespace emergence::ui {

// What the canvas shows of a step: one of the four recorded views, or x_t and x̂0 side by side.
enum class FrameView { NoisyState = 0, CleanGuess = 1, Noise = 2, Update = 3, SideBySide = 4 };
constexpr int kFrameViewCount = 5;

QStringList frame_view_names();

// A QImage over the frame's own bytes (no copy): the image keeps the frame alive.
QImage to_qimage(const std::shared_ptr<const TrajectoryFrame>& frame, const Image8& image);

// Copies between Qt's images and Emergence's 8-bit ones: any QImage to RGB (channels 3) or
// luminance (1), and an Image8 of 1 or 3 channels to an RGB32 QImage.
Image8 image8_from_qimage(const QImage& image, int channels);
QImage qimage_from_image8(const Image8& image);

// The images the canvas draws for a frame in a view (two for SideBySide, else one).
QList<QImage> frame_images(const std::shared_ptr<const TrajectoryFrame>& frame, FrameView view);

}  // namespace emergence::ui
