#include "webp_encoder.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>

#include "core/error.h"

namespace emergence {
namespace {

struct EncoderDelete {
  void operator()(WebPAnimEncoder* encoder) const { WebPAnimEncoderDelete(encoder); }
};

struct PictureFree {
  void operator()(WebPPicture* picture) const { WebPPictureFree(picture); }
};

std::string encoder_error(WebPAnimEncoder* encoder) {
  const char* reason = WebPAnimEncoderGetError(encoder);
  return reason && *reason ? reason : "unknown error";
}

}  // namespace

std::vector<uint8_t> encode_webp(const FrameSequence& frames, const WebPOptions& options) {
  if (frames.count <= 0 || frames.size.width <= 0 || frames.size.height <= 0) {
    throw Error("WebP encoder: nothing to encode");
  }
  if (frames.size.width > WEBP_MAX_DIMENSION || frames.size.height > WEBP_MAX_DIMENSION) {
    throw Error("WebP encoder: frames larger than 16383 px do not fit a WebP");
  }
  WebPAnimEncoderOptions encoder_options;
  if (!WebPAnimEncoderOptionsInit(&encoder_options)) {
    throw Error("WebP encoder: library version mismatch");
  }
  encoder_options.anim_params.loop_count = 0;  // forever
  std::unique_ptr<WebPAnimEncoder, EncoderDelete> encoder(
      WebPAnimEncoderNew(frames.size.width, frames.size.height, &encoder_options));
  if (!encoder) {
    throw Error("WebP encoder: cannot start (out of memory?)");
  }
  WebPConfig config;
  if (!WebPConfigInit(&config)) {
    throw Error("WebP encoder: library version mismatch");
  }
  config.lossless = 1;
  config.quality = 75;  // for lossless: effort, not fidelity
  config.method = 4;

  int timestamp_ms = 0;
  for (int i = 0; i < frames.count; ++i) {
    const cv::Mat picture = frames.render(i);
    CV_Assert(picture.type() == CV_8UC3 && picture.size() == frames.size && picture.isContinuous());
    WebPPicture webp_picture;
    if (!WebPPictureInit(&webp_picture)) {
      throw Error("WebP encoder: library version mismatch");
    }
    webp_picture.use_argb = 1;
    webp_picture.width = picture.cols;
    webp_picture.height = picture.rows;
    std::unique_ptr<WebPPicture, PictureFree> owned(&webp_picture);
    if (!WebPPictureImportRGB(&webp_picture, picture.data, static_cast<int>(picture.step))) {
      throw Error("WebP encoder: out of memory for frame " + std::to_string(i));
    }
    if (!WebPAnimEncoderAdd(encoder.get(), &webp_picture, timestamp_ms, &config)) {
      throw Error("WebP encoder: frame " + std::to_string(i) + ": " + encoder_error(encoder.get()));
    }
    timestamp_ms += i + 1 == frames.count ? options.last_delay_ms : options.delay_ms;
    if (frames.after_frame) {
      frames.after_frame();
    }
  }
  // A null frame marks the end time, which sets the last frame's duration.
  if (!WebPAnimEncoderAdd(encoder.get(), nullptr, timestamp_ms, nullptr)) {
    throw Error("WebP encoder: " + encoder_error(encoder.get()));
  }
  WebPData data;
  WebPDataInit(&data);
  if (!WebPAnimEncoderAssemble(encoder.get(), &data)) {
    throw Error("WebP encoder: cannot assemble the animation: " + encoder_error(encoder.get()));
  }
  std::vector<uint8_t> out(data.bytes, data.bytes + data.size);
  WebPDataClear(&data);
  return out;
}

}  // namespace emergence
