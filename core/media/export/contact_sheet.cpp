#include "contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/media/export/frame_renderer.h"

namespace emergence {
namespace {

constexpr int kPadding = 6;
constexpr int kCapHeight = 9;                // caption letters, px
constexpr int kLineHeight = kCapHeight + 6;  // caption line pitch, px
constexpr double kFontScale = kCapHeight / 22.0;

struct Layout {
  int columns = 1;
  int rows = 1;
  cv::Size cell;       // picture area of one cell
  int cell_width = 0;  // picture or caption, whichever is wider
  cv::Size sheet;
};

std::string step_line(const TrajectoryFrame& f) {
  return "step " + std::to_string(f.index) + "/" + std::to_string(f.total);
}

std::string sigma_line(const TrajectoryFrame& f) {
  char text[48];
  std::snprintf(text, sizeof text, "sigma %.3g", f.sigma);
  return text;
}

int label_width(const std::string& text) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, kFontScale, 1, &baseline).width;
}

Layout layout_for(const std::vector<const TrajectoryFrame*>& frames, const ExportSettings& s) {
  if (frames.empty()) {
    throw Error("contact sheet needs at least one frame");
  }
  Layout l;
  const int n = static_cast<int>(frames.size());
  l.columns = s.sheet_columns > 0 ? std::min(s.sheet_columns, n)
                                  : static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  l.rows = (n + l.columns - 1) / l.columns;
  l.cell = rendered_size(*frames.front(), s);
  l.cell_width = l.cell.width;
  for (const TrajectoryFrame* f : frames) {
    l.cell_width =
        std::max({l.cell_width, label_width(step_line(*f)) + 2, label_width(sigma_line(*f)) + 2});
  }
  const int cell_height = l.cell.height + 2 * kLineHeight;
  l.sheet = cv::Size(kPadding + l.columns * (l.cell_width + kPadding),
                     kPadding + l.rows * (cell_height + kPadding));
  return l;
}

}  // namespace

cv::Size contact_sheet_size(const std::vector<const TrajectoryFrame*>& frames,
                            const ExportSettings& settings) {
  return layout_for(frames, settings).sheet;
}

cv::Mat make_contact_sheet(const std::vector<const TrajectoryFrame*>& frames,
                           const ExportSettings& s) {
  const Layout l = layout_for(frames, s);
  cv::Mat sheet(l.sheet, CV_8UC3, cv::Scalar(40, 40, 40));
  const int cell_height = l.cell.height + 2 * kLineHeight;
  for (size_t i = 0; i < frames.size(); ++i) {
    const int column = static_cast<int>(i) % l.columns;
    const int row = static_cast<int>(i) / l.columns;
    const int x = kPadding + column * (l.cell_width + kPadding);
    const int y = kPadding + row * (cell_height + kPadding);
    const cv::Mat picture = render_frame(*frames[i], s);
    const int inset = (l.cell_width - picture.cols) / 2;
    picture.copyTo(sheet(cv::Rect(x + inset, y, picture.cols, picture.rows)));
    const int text_y = y + picture.rows + kLineHeight - 2;
    draw_caption(sheet, step_line(*frames[i]), cv::Point(x + 1, text_y), kCapHeight);
    draw_caption(sheet, sigma_line(*frames[i]), cv::Point(x + 1, text_y + kLineHeight), kCapHeight);
  }
  return sheet;
}

}  // namespace emergence
