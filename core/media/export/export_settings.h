#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace emergence {

// What an export writes.
enum class ExportFormat {
  PngSequence,   // one numbered PNG per step
  Gif,           // animated GIF (giflib)
  Mp4,           // H.264 video through OpenCV's FFmpeg backend (MPEG-4 Part 2 if H.264 is missing)
  WebP,          // animated lossless WebP (libwebpmux)
  ContactSheet,  // one PNG: a grid of the selected steps with step and σ captions
  Still,         // one PNG: the last frame of the range (the final image by default)
};

// Which picture of each step is exported; Pair puts x_t and x̂0 side by side.
enum class ExportView { NoisyState, CleanGuess, Noise, Update, Pair };

struct ExportSettings {
  ExportFormat format = ExportFormat::Gif;
  ExportView view = ExportView::NoisyState;
  int first_frame = 0;      // frame indices into the trajectory; 0 is the initial noise
  int last_frame = -1;      // < 0: the last frame of the run
  int stride = 1;           // every k-th frame from first_frame; the last frame is always included
  int scale = 4;            // integer upscale factor, 1 to 64
  bool smooth = false;      // false: nearest neighbour (crisp pixels); true: bicubic
  bool step_label = false;  // burn "step k/N  sigma s" into each frame
  bool progress_bar = false;      // burn a progress bar into each frame
  double frame_delay_ms = 100.0;  // time each frame shows (GIF, WebP, MP4 as 1000/delay fps)
  double hold_last_ms = 1000.0;   // extra time the last frame shows
  bool global_palette = false;    // GIF: one palette for all frames instead of one per frame
  int sheet_columns = 0;          // contact sheet: 0 = about square
  std::string directory = ".";
  std::string base_name = "emergence";  // file names start with this; no folder separators
  bool overwrite = false;               // replace files that already exist
};

std::string to_string(ExportFormat format);
std::string to_string(ExportView view);
// "png", "gif", "mp4", "webp", "sheet", "still" (also "contact-sheet", "final"); Error otherwise.
ExportFormat parse_export_format(const std::string& text);
// "xt", "x0", "eps", "delta", "pair"; Error otherwise.
ExportView parse_export_view(const std::string& text);
// Checks every field against its range; the Error names the field and the range.
void validate(const ExportSettings& settings);
// The settings as they go into the JSON sidecar (the folder is left out: files move).
nlohmann::json to_json(const ExportSettings& settings);

}  // namespace emergence
