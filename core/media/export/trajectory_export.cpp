#include "trajectory_export.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/json_file.h"
#include "core/media/export/contact_sheet.h"
#include "core/media/export/exported_frame.h"
#include "core/media/export/frame_renderer.h"
#include "core/media/export/frame_selection.h"
#include "core/media/export/gif_encoder.h"
#include "core/media/export/mp4_encoder.h"
#include "core/media/export/png_text.h"
#include "core/media/export/webp_encoder.h"
#include "core/staged_output.h"

namespace emergence {
namespace {

// Thrown by the per-frame tick when the cancel flag is set; caught below and reported as an
// outcome, after StagedOutput has removed what was written.
struct ExportCancelled {};

// The indices of the frames an export of a run of `count` frames shows.
std::vector<int> chosen_indices(int count, const ExportSettings& s) {
  validate(s);
  if (s.format == ExportFormat::Still) {
    // A still is one picture: the end of the range (by default the finished image).
    const int last = s.last_frame < 0 ? count - 1 : s.last_frame;
    return {select_frames(count, last, last, 1).back()};
  }
  return select_frames(count, s.first_frame, s.last_frame, s.stride);
}

// The frames an export shows, checked to be present, as it shows them (see exported_frame).
struct ChosenFrames {
  const Trajectory& run;
  std::vector<int> positions;
  std::vector<const TrajectoryFrame*> steps;  // the recorded frames, for captions and metadata

  size_t size() const { return steps.size(); }
  std::shared_ptr<const TrajectoryFrame> shown(size_t i) const {
    return exported_frame(run, positions[i]);
  }
};

ChosenFrames chosen_frames(const Trajectory& t, const ExportSettings& s) {
  ChosenFrames chosen{t, chosen_indices(static_cast<int>(t.frames.size()), s), {}};
  for (int i : chosen.positions) {
    if (!t.frames[i] || t.frames[i]->views[0].empty()) {
      throw Error("frame " + std::to_string(i) + " of the run is missing");
    }
    chosen.steps.push_back(t.frames[i].get());
  }
  return chosen;
}

std::string sequence_name(const ExportSettings& s, int i, int count) {
  // Zero-padded to at least four digits so names sort in frame order.
  const size_t digits = std::max<size_t>(4, std::to_string(count - 1).size());
  std::string number = std::to_string(i);
  number.insert(0, digits - number.size(), '0');
  return s.base_name + "_" + number + ".png";
}

std::vector<std::string> media_names(const ExportSettings& s, int frame_count) {
  switch (s.format) {
    case ExportFormat::PngSequence: {
      std::vector<std::string> names;
      for (int i = 0; i < frame_count; ++i) {
        names.push_back(sequence_name(s, i, frame_count));
      }
      return names;
    }
    case ExportFormat::Gif:
      return {s.base_name + ".gif"};
    case ExportFormat::Mp4:
      return {s.base_name + ".mp4"};
    case ExportFormat::WebP:
      return {s.base_name + ".webp"};
    case ExportFormat::ContactSheet:
      return {s.base_name + "_sheet.png"};
    case ExportFormat::Still:
      return {s.base_name + ".png"};
  }
  return {};
}

std::string sidecar_name(const ExportSettings& s, const std::vector<std::string>& media) {
  return s.format == ExportFormat::PngSequence ? s.base_name + "_frames.json"
                                               : media.front() + ".json";
}

nlohmann::json step_json(const TrajectoryFrame& f) {
  return {{"index", f.index}, {"total", f.total}, {"timestep", f.timestep}, {"sigma", f.sigma}};
}

PngText png_text_for(const Trajectory& t, const TrajectoryFrame& step) {
  return generation_png_text(t.params, step_json(step));
}

std::vector<uint8_t> to_bytes(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

int centiseconds(double ms) { return std::max(2, static_cast<int>(std::lround(ms / 10.0))); }

// Rendered one at a time: a latent run's full-size copies never sit in memory all at once.
FrameSequence sequence_of(const ChosenFrames& frames, const ExportSettings& s) {
  FrameSequence sequence;
  sequence.count = static_cast<int>(frames.size());
  sequence.size = rendered_size(*frames.shown(0), s);
  sequence.render = [&frames, &s](int i) { return render_frame(*frames.shown(i), s); };
  return sequence;
}

struct Encoded {
  std::vector<std::vector<uint8_t>> media;  // one per media name
  int pictures = 0;
  cv::Size size;
  std::string codec;
};

Encoded encode(const Trajectory& t, const ChosenFrames& frames, const ExportSettings& s,
               const std::function<void()>& tick) {
  Encoded out;
  FrameSequence sequence = sequence_of(frames, s);
  sequence.after_frame = tick;
  out.pictures = sequence.count;
  out.size = sequence.size;
  switch (s.format) {
    case ExportFormat::PngSequence:
      for (int i = 0; i < sequence.count; ++i) {
        out.media.push_back(
            encode_png_with_text(sequence.render(i), png_text_for(t, *frames.steps[i])));
        tick();
      }
      break;
    case ExportFormat::Still:
      out.media.push_back(
          encode_png_with_text(sequence.render(0), png_text_for(t, *frames.steps[0])));
      tick();
      break;
    case ExportFormat::ContactSheet: {
      std::vector<std::shared_ptr<const TrajectoryFrame>> shown;
      std::vector<const TrajectoryFrame*> cells;
      for (size_t i = 0; i < frames.size(); ++i) {
        shown.push_back(frames.shown(i));
        cells.push_back(shown.back().get());
      }
      const cv::Mat sheet = make_contact_sheet(cells, s);
      out.size = sheet.size();
      out.pictures = 1;
      out.media.push_back(encode_png_with_text(sheet, png_text_for(t, *frames.steps.back())));
      tick();
      break;
    }
    case ExportFormat::Gif: {
      GifOptions options;
      options.delay_cs = centiseconds(s.frame_delay_ms);
      options.last_delay_cs = centiseconds(s.frame_delay_ms + s.hold_last_ms);
      options.global_palette = s.global_palette;
      options.comment = to_parameters_line(t.params);
      out.media.push_back(encode_gif(sequence, options));
      break;
    }
    case ExportFormat::WebP: {
      WebPOptions options;
      options.delay_ms = static_cast<int>(std::lround(s.frame_delay_ms));
      options.last_delay_ms = static_cast<int>(std::lround(s.frame_delay_ms + s.hold_last_ms));
      out.media.push_back(encode_webp(sequence, options));
      break;
    }
    case ExportFormat::Mp4: {
      Mp4Options options;
      options.fps = 1000.0 / s.frame_delay_ms;
      options.hold_frames = static_cast<int>(std::lround(s.hold_last_ms / s.frame_delay_ms));
      EncodedVideo video = encode_mp4(sequence, options);
      out.media.push_back(std::move(video.bytes));
      out.pictures = video.frame_count;
      out.size = video.size;
      out.codec = video.codec;
      break;
    }
  }
  return out;
}

std::string sidecar_text(const Trajectory& t, const ExportSettings& s, const ChosenFrames& frames,
                         const std::vector<std::string>& media, const Encoded& encoded) {
  nlohmann::json exported = to_json(s);
  exported["width"] = encoded.size.width;
  exported["height"] = encoded.size.height;
  exported["picture_count"] = encoded.pictures;
  if (!encoded.codec.empty()) {
    exported["codec"] = encoded.codec;
  }
  nlohmann::json steps = nlohmann::json::array();
  for (size_t i = 0; i < frames.size(); ++i) {
    nlohmann::json step = step_json(*frames.steps[i]);
    if (s.format == ExportFormat::PngSequence) {
      step["file"] = media[i];
    }
    steps.push_back(step);
  }
  const nlohmann::json sidecar = {{"generation", to_json(t.params)},
                                  {"parameters", to_parameters_line(t.params)},
                                  {"export", exported},
                                  {"steps", steps},
                                  {"files", media}};
  return sidecar.dump(2) + "\n";
}

// Frames of an earlier PNG sequence of the same name that the new, shorter one does not replace,
// as the sidecar about to be overwritten lists them. Only files that sidecar names are touched,
// so nothing the user put there is; without a readable sidecar the list is empty.
std::vector<std::string> superseded_frames(const ExportSettings& s,
                                           const std::vector<std::string>& media) {
  namespace fs = std::filesystem;
  if (s.format != ExportFormat::PngSequence || !s.overwrite) {
    return {};
  }
  std::vector<std::string> stale;
  try {
    const nlohmann::json old =
        read_json_file((fs::path(s.directory) / sidecar_name(s, media)).string());
    for (const auto& file : old.at("files")) {
      const std::string name = file.get<std::string>();
      const bool frame_of_this_sequence = fs::path(name).filename().string() == name &&
                                          name.rfind(s.base_name + "_", 0) == 0 &&
                                          fs::path(name).extension() == ".png";
      if (frame_of_this_sequence && std::find(media.begin(), media.end(), name) == media.end()) {
        stale.push_back(name);
      }
    }
  } catch (const std::exception&) {
    return {};
  }
  return stale;
}

}  // namespace

std::vector<std::string> planned_files(const Trajectory& t, const ExportSettings& s) {
  chosen_frames(t, s);  // the same checks as the export
  return planned_files(static_cast<int>(t.frames.size()), s);
}

std::vector<std::string> planned_files(int frame_count, const ExportSettings& s) {
  const auto frames = chosen_indices(frame_count, s);
  std::vector<std::string> names = media_names(s, static_cast<int>(frames.size()));
  names.push_back(sidecar_name(s, names));
  std::vector<std::string> paths;
  for (const std::string& name : names) {
    paths.push_back((std::filesystem::path(s.directory) / name).string());
  }
  return paths;
}

PngText generation_png_text(const GenerationParams& params, const nlohmann::json& step) {
  nlohmann::json embedded = {{"generation", to_json(params)}};
  if (!step.is_null()) {
    embedded["step"] = step;
  }
  return {{"parameters", to_parameters_text(params)},
          {"Software", std::string("Emergence ") + EMERGENCE_VERSION_STRING},
          {"emergence", embedded.dump()}};
}

ExportResult export_trajectory(const Trajectory& t, const ExportSettings& s,
                               const ExportControl& control) {
  const ChosenFrames frames = chosen_frames(t, s);
  const std::vector<std::string> media = media_names(s, static_cast<int>(frames.size()));
  std::vector<std::string> names = media;
  names.push_back(sidecar_name(s, media));

  DiskFileSink disk;
  StagedOutput output(s.directory, names, s.overwrite, control.sink ? *control.sink : disk);
  const bool single_picture =
      s.format == ExportFormat::Still || s.format == ExportFormat::ContactSheet;
  const int work = single_picture ? 1 : static_cast<int>(frames.size());
  const int total = work + 1;  // the last unit is writing the files
  int done = 0;
  auto report = [&] {
    if (control.progress) {
      control.progress(done, total);
    }
  };
  auto tick = [&] {
    ++done;
    report();
    if (control.cancel && control.cancel->load()) {
      throw ExportCancelled{};
    }
  };
  report();
  ExportResult result;
  try {
    if (control.cancel && control.cancel->load()) {
      throw ExportCancelled{};
    }
    const Encoded encoded = encode(t, frames, s, tick);
    for (size_t i = 0; i < media.size(); ++i) {
      output.write(media[i], encoded.media[i]);
    }
    output.write(names.back(), to_bytes(sidecar_text(t, s, frames, media, encoded)));
    result.files = output.commit(superseded_frames(s, media));
    result.frames = encoded.pictures;
    result.width = encoded.size.width;
    result.height = encoded.size.height;
    result.codec = encoded.codec;
    result.bytes = output.bytes();
  } catch (const ExportCancelled&) {
    result = ExportResult{};
    result.cancelled = true;
    return result;
  }
  done = total;
  report();
  return result;
}

ExportEstimate estimate_export(const Trajectory& t, const ExportSettings& s) {
  const ChosenFrames frames = chosen_frames(t, s);
  ExportEstimate estimate;
  const cv::Size size = rendered_size(*frames.shown(0), s);
  estimate.frames = static_cast<int>(frames.size());
  estimate.width = size.width;
  estimate.height = size.height;
  const uint64_t sidecar = 1500 + 120 * frames.size();
  if (s.format == ExportFormat::Still || s.format == ExportFormat::ContactSheet) {
    const Encoded encoded = encode(t, frames, s, [] {});
    estimate.frames = 1;
    estimate.width = encoded.size.width;
    estimate.height = encoded.size.height;
    estimate.bytes = encoded.media.front().size() + sidecar;
    return estimate;
  }
  if (s.format == ExportFormat::Mp4) {
    // Rough H.264 figure for small, busy frames: ~0.1 byte per pixel per frame.
    const double hold = std::lround(s.hold_last_ms / s.frame_delay_ms);
    estimate.frames = static_cast<int>(frames.size() + hold);
    estimate.width = (size.width + 1) / 2 * 2;
    estimate.height = (size.height + 1) / 2 * 2;
    estimate.bytes =
        static_cast<uint64_t>(0.1 * estimate.width * estimate.height * (frames.size() + 1)) + 2000 +
        sidecar;
    return estimate;
  }
  // Encode the first, middle and last frame and scale up: noisy and clean frames differ a lot.
  ChosenFrames sample{t, {}, {}};
  for (size_t i : {size_t{0}, frames.size() / 2, frames.size() - 1}) {
    if (sample.steps.empty() || sample.steps.back() != frames.steps[i]) {
      sample.positions.push_back(frames.positions[i]);
      sample.steps.push_back(frames.steps[i]);
    }
  }
  const Encoded encoded = encode(t, sample, s, [] {});
  uint64_t sample_bytes = 0;
  for (const auto& bytes : encoded.media) {
    sample_bytes += bytes.size();
  }
  estimate.bytes = sample_bytes * frames.size() / sample.size() + sidecar;
  return estimate;
}

GenerationParams generation_params_from_sidecar(const std::string& path) {
  const nlohmann::json json = read_json_file(path);
  try {
    return generation_params_from_json(
        json.is_object() && json.contains("generation") ? json.at("generation") : json);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace emergence
