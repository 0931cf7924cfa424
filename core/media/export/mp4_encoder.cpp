#include "mp4_encoder.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/error.h"

namespace emergence {
namespace {

struct ScratchFile {
  std::filesystem::path path;
  ~ScratchFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

std::filesystem::path scratch_path() {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() / ("emergence-video-" + std::to_string(::getpid()) +
                                                   "-" + std::to_string(counter++) + ".mp4");
}

// Opens the writer with the first codec FFmpeg accepts; OpenCV's own log stays quiet while
// probing so a missing H.264 encoder is reported once, by us, as the codec we fell back to.
bool open_writer(cv::VideoWriter& writer, const std::string& path, double fps, cv::Size size,
                 std::string& codec) {
  struct Candidate {
    const char* fourcc;
    const char* name;
  };
  const Candidate candidates[] = {{"avc1", "avc1 (H.264)"}, {"mp4v", "mp4v (MPEG-4 Part 2)"}};
  const auto level = cv::utils::logging::getLogLevel();
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  bool opened = false;
  for (const Candidate& c : candidates) {
    const int fourcc = cv::VideoWriter::fourcc(c.fourcc[0], c.fourcc[1], c.fourcc[2], c.fourcc[3]);
    try {
      opened = writer.open(path, cv::CAP_FFMPEG, fourcc, fps, size, true);
    } catch (const cv::Exception&) {
      opened = false;
    }
    if (opened) {
      codec = c.name;
      break;
    }
  }
  cv::utils::logging::setLogLevel(level);
  return opened;
}

cv::Mat to_even_bgr(const cv::Mat& rgb, cv::Size even) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  if (bgr.size() != even) {
    cv::copyMakeBorder(bgr, bgr, 0, even.height - bgr.rows, 0, even.width - bgr.cols,
                       cv::BORDER_REPLICATE);
  }
  return bgr;
}

}  // namespace

EncodedVideo encode_mp4(const FrameSequence& frames, const Mp4Options& options) {
  if (frames.count <= 0 || frames.size.width <= 0 || frames.size.height <= 0) {
    throw Error("MP4 encoder: nothing to encode");
  }
  EncodedVideo video;
  video.size = cv::Size((frames.size.width + 1) / 2 * 2, (frames.size.height + 1) / 2 * 2);
  ScratchFile scratch{scratch_path()};
  cv::VideoWriter writer;
  if (!open_writer(writer, scratch.path.string(), options.fps, video.size, video.codec)) {
    throw Error(
        "MP4 encoder: OpenCV's FFmpeg backend has neither an H.264 nor an MPEG-4 encoder "
        "(or cannot write to " +
        scratch.path.parent_path().string() + ")");
  }
  cv::Mat last;
  for (int i = 0; i < frames.count; ++i) {
    last = to_even_bgr(frames.render(i), video.size);
    writer.write(last);
    if (frames.after_frame) {
      frames.after_frame();
    }
  }
  for (int i = 0; i < options.hold_frames; ++i) {
    writer.write(last);
  }
  writer.release();
  video.frame_count = frames.count + options.hold_frames;

  // VideoWriter::write reports nothing, so a full scratch disk only shows when reading back.
  cv::VideoCapture check(scratch.path.string(), cv::CAP_FFMPEG);
  const int written = check.isOpened() ? static_cast<int>(check.get(cv::CAP_PROP_FRAME_COUNT)) : 0;
  check.release();
  if (written != video.frame_count) {
    throw Error("MP4 encoder: the video in " + scratch.path.parent_path().string() + " has " +
                std::to_string(written) + " of " + std::to_string(video.frame_count) +
                " frames (is the temp folder full?)");
  }
  std::ifstream in(scratch.path, std::ios::binary);
  video.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw Error("MP4 encoder: cannot read back " + scratch.path.string());
  }
  return video;
}

}  // namespace emergence
