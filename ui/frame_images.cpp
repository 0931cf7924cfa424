#include "frame_images.h"

#include <QObject>
#include <algorithm>

#include "core/trajectory.h"

namespace emergence::ui {
namespace {

QImage::Format format_for(int channels) {
  switch (channels) {
    case 1:
      return QImage::Format_Grayscale8;
    case 3:
      return QImage::Format_RGB888;
    default:
      return QImage::Format_RGBA8888;  // straight alpha, as the model produced it
  }
}

void release_frame(void* info) {
  delete static_cast<std::shared_ptr<const TrajectoryFrame>*>(info);
}

}  // namespace

QStringList frame_view_names() {
  // Plain words first, the symbol after. Plain letters: a combining hat (x̂) is dropped by many
  // UI fonts.
  return {QObject::tr("Noisy image (x_t)"), QObject::tr("Clean guess (x0)"),
          QObject::tr("Predicted noise (ε)"), QObject::tr("This step's change (Δ)"),
          QObject::tr("Noisy | clean side by side")};
}

QImage to_qimage(const std::shared_ptr<const TrajectoryFrame>& frame, const Image8& image) {
  if (image.empty()) {
    return {};
  }
  // The cleanup hook holds a reference to the frame, so scrubbing never copies pixels.
  auto* keep_alive = new std::shared_ptr<const TrajectoryFrame>(frame);
  return QImage(image.pixels.data(), image.width, image.height, image.width * image.channels,
                format_for(image.channels), release_frame, keep_alive);
}

Image8 image8_from_qimage(const QImage& image, int channels) {
  const QImage converted =
      image.convertToFormat(channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
  Image8 out;
  out.width = converted.width();
  out.height = converted.height();
  out.channels = channels == 1 ? 1 : 3;
  const int row = out.width * out.channels;
  out.pixels.resize(static_cast<size_t>(row) * out.height);
  for (int y = 0; y < out.height; ++y) {
    std::copy_n(converted.constScanLine(y), row, out.pixels.data() + static_cast<size_t>(y) * row);
  }
  return out;
}

QImage qimage_from_image8(const Image8& image) {
  return QImage(image.pixels.data(), image.width, image.height, image.width * image.channels,
                format_for(image.channels))
      .convertToFormat(QImage::Format_RGB32);
}

QList<QImage> frame_images(const std::shared_ptr<const TrajectoryFrame>& frame, FrameView view) {
  if (!frame) {
    return {};
  }
  if (view == FrameView::SideBySide) {
    return {to_qimage(frame, frame->view(View::NoisyState)),
            to_qimage(frame, frame->view(View::CleanGuess))};
  }
  return {to_qimage(frame, frame->view(static_cast<View>(static_cast<int>(view))))};
}

}  // namespace emergence::ui
