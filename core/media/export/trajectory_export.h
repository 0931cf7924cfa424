#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/file_sink.h"
#include "core/media/export/export_settings.h"
#include "core/media/export/png_text.h"
#include "core/trajectory.h"

namespace emergence {

struct ExportControl {
  std::function<void(int done, int total)> progress;  // called on the exporting thread
  const std::atomic<bool>* cancel = nullptr;          // checked before every frame
  FileSink* sink = nullptr;                           // null: the real disk
};

struct ExportResult {
  bool cancelled = false;          // cancelled is an outcome, not an error; nothing was written
  std::vector<std::string> files;  // final paths: the media file(s), then the JSON sidecar
  int frames = 0;                  // pictures in the output (MP4: including the held ones)
  int width = 0;
  int height = 0;
  std::string codec;  // MP4 only: which encoder FFmpeg used
  uint64_t bytes = 0;
};

// The text chunks Emergence writes into a PNG of a run: AUTOMATIC1111's "parameters" line,
// "Software", and "emergence" with the full generation JSON (plus `step`, when not null).
PngText generation_png_text(const GenerationParams& params, const nlohmann::json& step = nullptr);

// Exports the selected frames of a run in the chosen format, with its parameters in every PNG
// (tEXt "parameters", AUTOMATIC1111 style), in a GIF comment, and in a JSON sidecar holding the
// full generation and export settings. All files appear together or not at all (see
// StagedOutput). Error, naming the file or setting, on bad settings, existing files without
// settings.overwrite, or a failed write. Overwriting a PNG sequence with a shorter one also
// removes the earlier frames that its sidecar lists and the new sequence does not replace, so the
// folder never mixes two runs.
ExportResult export_trajectory(const Trajectory& trajectory, const ExportSettings& settings,
                               const ExportControl& control = {});

// The final paths export_trajectory would write, for asking before overwriting.
std::vector<std::string> planned_files(const Trajectory& trajectory,
                                       const ExportSettings& settings);
// The same for a run of frame_count frames (steps + 1) before it has run.
std::vector<std::string> planned_files(int frame_count, const ExportSettings& settings);

struct ExportEstimate {
  int frames = 0;
  int width = 0;
  int height = 0;
  uint64_t bytes = 0;  // from encoding up to three sample frames (MP4: a bitrate guess)
};
ExportEstimate estimate_export(const Trajectory& trajectory, const ExportSettings& settings);

// The generation parameters from an export's JSON sidecar (or a bare to_json(params) object).
GenerationParams generation_params_from_sidecar(const std::string& path);

}  // namespace emergence
