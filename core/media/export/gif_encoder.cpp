#include "gif_encoder.h"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "core/media/export/color_quantizer.h"

namespace emergence {
namespace {

int append_bytes(GifFileType* gif, const GifByteType* data, int length) {
  auto* out = static_cast<std::vector<uint8_t>*>(gif->UserData);
  out->insert(out->end(), data, data + length);
  return length;
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    EGifCloseFile(gif, &error);
  }
};

struct MapFree {
  void operator()(ColorMapObject* map) const { GifFreeMapObject(map); }
};
using ColorMap = std::unique_ptr<ColorMapObject, MapFree>;

// giflib wants a power-of-two table of at least 2 entries; unused slots are black.
ColorMap make_color_map(const Palette& palette) {
  const int size = 1 << std::max(1, GifBitSize(static_cast<int>(palette.size())));
  std::vector<GifColorType> colors(size, GifColorType{0, 0, 0});
  for (size_t i = 0; i < palette.size(); ++i) {
    colors[i] = GifColorType{palette[i][0], palette[i][1], palette[i][2]};
  }
  ColorMap map(GifMakeMapObject(size, colors.data()));
  if (!map) {
    throw Error("GIF encoder: out of memory for the colour table");
  }
  return map;
}

void check(int status, GifFileType* gif, const char* what) {
  if (status != GIF_OK) {
    const char* reason = GifErrorString(gif->Error);
    throw Error(std::string("GIF encoder: ") + what + " failed: " + (reason ? reason : "unknown"));
  }
}

void put_loop_forever(GifFileType* gif) {
  // The NETSCAPE2.0 application extension: sub-block 1, loop count 0 = forever.
  const GifByteType loop[3] = {1, 0, 0};
  check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "loop extension");
  check(EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0"), gif, "loop extension");
  check(EGifPutExtensionBlock(gif, 3, loop), gif, "loop extension");
  check(EGifPutExtensionTrailer(gif), gif, "loop extension");
}

void put_delay(GifFileType* gif, int delay_cs) {
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.UserInputFlag = false;
  gcb.DelayTime = std::clamp(delay_cs, 0, 65535);
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType extension[4];
  const size_t length = EGifGCBToExtension(&gcb, extension);
  check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension), gif,
        "frame delay");
}

}  // namespace

std::vector<uint8_t> encode_gif(const FrameSequence& frames, const GifOptions& options) {
  if (frames.count <= 0 || frames.size.width <= 0 || frames.size.height <= 0) {
    throw Error("GIF encoder: nothing to encode");
  }
  if (frames.size.width > 65535 || frames.size.height > 65535) {
    throw Error("GIF encoder: frames larger than 65535 px do not fit a GIF");
  }
  std::vector<uint8_t> out;
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(EGifOpen(&out, append_bytes, &error));
  if (!gif) {
    throw Error(std::string("GIF encoder: cannot start: ") + GifErrorString(error));
  }
  EGifSetGifVersion(gif.get(), true);

  ColorMap global_map;
  if (options.global_palette) {
    ColorHistogram histogram;
    for (int i = 0; i < frames.count; ++i) {
      histogram.add(frames.render(i));
    }
    global_map = make_color_map(median_cut_palette(histogram, 256));
  }
  std::unique_ptr<PaletteMapper> global_mapper;
  Palette global_palette;
  if (global_map) {
    global_palette.assign(global_map->ColorCount, cv::Vec3b());
    for (int i = 0; i < global_map->ColorCount; ++i) {
      const GifColorType& c = global_map->Colors[i];
      global_palette[i] = cv::Vec3b(c.Red, c.Green, c.Blue);
    }
    global_mapper = std::make_unique<PaletteMapper>(global_palette);
  }
  check(EGifPutScreenDesc(gif.get(), frames.size.width, frames.size.height, 8, 0, global_map.get()),
        gif.get(), "screen descriptor");
  put_loop_forever(gif.get());
  if (!options.comment.empty()) {
    check(EGifPutComment(gif.get(), options.comment.c_str()), gif.get(), "comment");
  }

  for (int i = 0; i < frames.count; ++i) {
    const cv::Mat picture = frames.render(i);
    CV_Assert(picture.type() == CV_8UC3 && picture.size() == frames.size);
    std::vector<uint8_t> indices;
    ColorMap local_map;
    if (global_mapper) {
      indices = global_mapper->map(picture);
    } else {
      ColorHistogram histogram;
      histogram.add(picture);
      const Palette palette = median_cut_palette(histogram, 256);
      indices = PaletteMapper(palette).map(picture);
      local_map = make_color_map(palette);
    }
    put_delay(gif.get(), i + 1 == frames.count ? options.last_delay_cs : options.delay_cs);
    check(EGifPutImageDesc(gif.get(), 0, 0, picture.cols, picture.rows, false, local_map.get()),
          gif.get(), "image descriptor");
    for (int y = 0; y < picture.rows; ++y) {
      check(EGifPutLine(gif.get(), indices.data() + static_cast<size_t>(y) * picture.cols,
                        picture.cols),
            gif.get(), "pixel data");
    }
    if (frames.after_frame) {
      frames.after_frame();
    }
  }
  GifFileType* raw = gif.release();
  if (EGifCloseFile(raw, &error) != GIF_OK) {
    throw Error(std::string("GIF encoder: cannot finish: ") + GifErrorString(error));
  }
  return out;
}

}  // namespace emergence
