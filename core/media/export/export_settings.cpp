#include "export_settings.h"

#include <cmath>
#include <sstream>

#include "core/error.h"

namespace emergence {

std::string to_string(ExportFormat format) {
  switch (format) {
    case ExportFormat::PngSequence:
      return "png";
    case ExportFormat::Gif:
      return "gif";
    case ExportFormat::Mp4:
      return "mp4";
    case ExportFormat::WebP:
      return "webp";
    case ExportFormat::ContactSheet:
      return "sheet";
    case ExportFormat::Still:
      return "still";
  }
  return "gif";
}

std::string to_string(ExportView view) {
  switch (view) {
    case ExportView::NoisyState:
      return "xt";
    case ExportView::CleanGuess:
      return "x0";
    case ExportView::Noise:
      return "eps";
    case ExportView::Update:
      return "delta";
    case ExportView::Pair:
      return "pair";
  }
  return "xt";
}

ExportFormat parse_export_format(const std::string& text) {
  if (text == "png" || text == "png-sequence") {
    return ExportFormat::PngSequence;
  }
  if (text == "gif") {
    return ExportFormat::Gif;
  }
  if (text == "mp4") {
    return ExportFormat::Mp4;
  }
  if (text == "webp") {
    return ExportFormat::WebP;
  }
  if (text == "sheet" || text == "contact-sheet") {
    return ExportFormat::ContactSheet;
  }
  if (text == "still" || text == "final") {
    return ExportFormat::Still;
  }
  throw Error("export format must be png, gif, mp4, webp, sheet or still (got '" + text + "')");
}

ExportView parse_export_view(const std::string& text) {
  if (text == "xt" || text == "x_t") {
    return ExportView::NoisyState;
  }
  if (text == "x0") {
    return ExportView::CleanGuess;
  }
  if (text == "eps") {
    return ExportView::Noise;
  }
  if (text == "delta") {
    return ExportView::Update;
  }
  if (text == "pair") {
    return ExportView::Pair;
  }
  throw Error("export view must be xt, x0, eps, delta or pair (got '" + text + "')");
}

void validate(const ExportSettings& s) {
  auto fail = [](const std::string& what) { throw Error("export setting " + what); };
  if (s.stride < 1 || s.stride > 10000) {
    fail("stride must be in [1, 10000] (got " + std::to_string(s.stride) + ")");
  }
  if (s.scale < 1 || s.scale > 64) {
    fail("scale must be in [1, 64] (got " + std::to_string(s.scale) + ")");
  }
  if (s.first_frame < 0) {
    fail("first frame must be >= 0 (got " + std::to_string(s.first_frame) + ")");
  }
  // GIF delays are whole centiseconds and browsers slow anything under 20 ms down to 100 ms.
  if (!std::isfinite(s.frame_delay_ms) || s.frame_delay_ms < 20.0 || s.frame_delay_ms > 60000.0) {
    std::ostringstream m;
    m << "frame delay must be in [20, 60000] ms, i.e. at most 50 fps (got " << s.frame_delay_ms
      << ")";
    fail(m.str());
  }
  if (!std::isfinite(s.hold_last_ms) || s.hold_last_ms < 0.0 || s.hold_last_ms > 600000.0) {
    std::ostringstream m;
    m << "hold on the last frame must be in [0, 600000] ms (got " << s.hold_last_ms << ")";
    fail(m.str());
  }
  if (s.sheet_columns < 0 || s.sheet_columns > 1000) {
    fail("contact sheet columns must be in [0, 1000] (got " + std::to_string(s.sheet_columns) +
         ")");
  }
  if (s.base_name.empty() || s.base_name.find('/') != std::string::npos ||
      s.base_name.front() == '.') {
    fail("file name must be non-empty, contain no '/' and not start with '.' (got '" + s.base_name +
         "')");
  }
  if (s.directory.empty()) {
    fail("folder must not be empty");
  }
}

nlohmann::json to_json(const ExportSettings& s) {
  return {{"format", to_string(s.format)},
          {"view", to_string(s.view)},
          {"first_frame", s.first_frame},
          {"last_frame", s.last_frame},
          {"stride", s.stride},
          {"scale", s.scale},
          {"scaling", s.smooth ? "smooth" : "nearest"},
          {"step_label", s.step_label},
          {"progress_bar", s.progress_bar},
          {"frame_delay_ms", s.frame_delay_ms},
          {"hold_last_ms", s.hold_last_ms},
          {"global_palette", s.global_palette},
          {"sheet_columns", s.sheet_columns},
          {"base_name", s.base_name}};
}

}  // namespace emergence
