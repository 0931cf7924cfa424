#include "comparison_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "core/display_image.h"
#include "core/media/export/frame_renderer.h"

namespace emergence {
namespace {

constexpr int kPad = 8;
constexpr int kCap = 9;          // caption capital height, px
constexpr int kLine = kCap + 6;  // caption line pitch, px
const cv::Scalar kBackground(38, 38, 38);
const cv::Scalar kAxis(150, 150, 150);
const cv::Scalar kGrid(70, 70, 70);

int caption_width(const std::string& text) {
  int baseline = 0;
  return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, kCap / 22.0, 1, &baseline).width;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string time_text(double seconds) {
  return seconds < 1.0 ? format("%.0f ms", seconds * 1000) : format("%.1f s", seconds);
}

const ComparisonCell* find_cell(const ComparisonResult& r, const std::string& sampler, int steps) {
  for (const ComparisonCell& c : r.cells) {
    if (c.sampler == sampler && c.steps == steps) {
      return &c;
    }
  }
  return nullptr;
}

void draw_tile(cv::Mat& canvas, const ComparisonCell& cell, cv::Point at, int scale,
               const std::vector<std::string>& lines) {
  const cv::Mat rgb = to_rgb_mat(to_image8(cell.image, DisplayMapping::Image));
  cv::Mat big;
  cv::resize(rgb, big, cv::Size(), scale, scale, cv::INTER_NEAREST);
  big.copyTo(canvas(cv::Rect(at, big.size())));
  for (size_t k = 0; k < lines.size(); ++k) {
    draw_caption(canvas, lines[k],
                 cv::Point(at.x + 1, at.y + big.rows + kLine * static_cast<int>(k + 1)), kCap);
  }
}

// Colours that stay apart on a dark background (RGB).
cv::Scalar series_colour(size_t k) {
  static const cv::Scalar kColours[] = {{102, 194, 255}, {255, 160, 64},  {120, 220, 120},
                                        {240, 90, 110},  {200, 150, 255}, {230, 220, 90},
                                        {90, 220, 210},  {255, 130, 200}};
  return kColours[k % std::size(kColours)];
}

struct Series {
  std::string name;
  std::vector<cv::Point2d> points;  // (calls, distance), both > 0
};

// A log axis from one power of ten to another, at least a decade long.
struct LogRange {
  double low = 1e300;
  double high = 0.0;
  void include(double v) {
    low = std::min(low, v);
    high = std::max(high, v);
  }
  LogRange decades() const {
    if (high <= 0) {
      return {1.0, 10.0};
    }
    const double lo = std::pow(10.0, std::floor(std::log10(low)));
    return {lo, std::max(std::pow(10.0, std::ceil(std::log10(high))), lo * 10)};
  }
  double fraction(double v) const { return std::log10(v / low) / std::log10(high / low); }
};

// A caption centred on x, kept inside [left, right).
void draw_centred(cv::Mat& canvas, const std::string& text, int x, int y, int left, int right) {
  const int w = caption_width(text);
  draw_caption(canvas, text, cv::Point(std::clamp(x - w / 2, left, right - w), y), kCap);
}

// One log-log panel with its title and decade grid lines; the y decades are labelled when
// label_y, the x decades always.
void draw_panel(cv::Mat& canvas, cv::Rect area, const std::string& title,
                const std::vector<Series>& series, LogRange x, LogRange y, bool label_y) {
  draw_caption(canvas, title, cv::Point(area.x, area.y + kCap + 2), kCap);
  const int left = label_y ? 44 : 6;
  const cv::Rect plot(area.x + left, area.y + kLine + 6, area.width - left - 6,
                      area.height - 2 * kLine - 6);
  cv::rectangle(canvas, plot, kAxis, 1);
  auto to_pixel = [&](cv::Point2d p) {
    return cv::Point(
        plot.x + static_cast<int>(std::lround(x.fraction(p.x) * plot.width)),
        plot.y + plot.height - static_cast<int>(std::lround(y.fraction(p.y) * plot.height)));
  };
  for (double v = x.low; v <= x.high * 1.0001; v *= 10) {
    const cv::Point p = to_pixel({v, y.low});
    cv::line(canvas, p, {p.x, plot.y}, kGrid, 1);
    draw_centred(canvas, format("%g", v), p.x, plot.y + plot.height + kLine, area.x,
                 area.x + area.width);
  }
  for (double v = y.low; v <= y.high * 1.0001; v *= 10) {
    const cv::Point p = to_pixel({x.low, v});
    cv::line(canvas, p, {plot.x + plot.width, p.y}, kGrid, 1);
    if (label_y) {
      draw_caption(canvas, format("%g", v), cv::Point(area.x, p.y + kCap / 2), kCap);
    }
  }
  for (size_t k = 0; k < series.size(); ++k) {
    std::vector<cv::Point> line;
    for (const cv::Point2d& p : series[k].points) {
      line.push_back(to_pixel(p));
    }
    cv::polylines(canvas, line, false, series_colour(k), 2, cv::LINE_AA);
    for (const cv::Point& p : line) {
      cv::circle(canvas, p, 3, series_colour(k), cv::FILLED, cv::LINE_AA);
    }
  }
}

// Distances below this are drawn at it: an exact match has no place on a log axis.
constexpr double kSmallestDistance = 1e-5;

std::vector<Series> series_of(const ComparisonPlan& plan, const ComparisonResult& result,
                              int band) {
  std::vector<Series> out;
  for (const std::string& sampler : plan.samplers) {
    Series s{sampler, {}};
    for (int steps : plan.steps) {
      if (const ComparisonCell* c = find_cell(result, sampler, steps)) {
        const double d = band < 0 ? c->distance.rmse : c->distance.band_rmse[band];
        s.points.emplace_back(c->calls, std::max(d, kSmallestDistance));
      }
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

cv::Mat draw_comparison_grid(const ComparisonPlan& plan, const ComparisonResult& result,
                             int scale) {
  const torch::Tensor& ref = result.reference.image;
  const int tile_w = static_cast<int>(ref.size(-1)) * scale;
  const int tile_h = static_cast<int>(ref.size(-2)) * scale;
  int label_w = 0;
  for (const std::string& s : plan.samplers) {
    label_w = std::max(label_w, caption_width(s));
  }
  const int cell_w = std::max(tile_w, caption_width("1000 steps, 99.9 s")) + kPad;
  const int cell_h = tile_h + 3 * kLine + kPad;
  const int columns = static_cast<int>(plan.steps.size()) + 1;
  cv::Mat canvas(kPad + static_cast<int>(plan.samplers.size()) * cell_h,
                 kPad + label_w + kPad + columns * cell_w, CV_8UC3, kBackground);
  for (size_t row = 0; row < plan.samplers.size(); ++row) {
    const int y = kPad + static_cast<int>(row) * cell_h;
    draw_caption(canvas, plan.samplers[row], cv::Point(kPad, y + tile_h / 2 + kCap / 2), kCap);
    for (size_t col = 0; col < plan.steps.size(); ++col) {
      const cv::Point at(kPad + label_w + kPad + static_cast<int>(col) * cell_w, y);
      if (const ComparisonCell* c = find_cell(result, plan.samplers[row], plan.steps[col])) {
        draw_tile(canvas, *c, at, scale,
                  {std::to_string(c->steps) + " steps, " + time_text(c->seconds),
                   std::to_string(c->calls) + " calls", format("rmse %.4f", c->distance.rmse)});
      } else {
        cv::rectangle(canvas, cv::Rect(at, cv::Size(tile_w, tile_h)), kGrid, 1);
      }
    }
  }
  if (ref.defined()) {
    const cv::Point at(kPad + label_w + kPad + static_cast<int>(plan.steps.size()) * cell_w, kPad);
    draw_tile(canvas, result.reference, at, scale,
              {"reference",
               result.reference.sampler + ", " + std::to_string(result.reference.steps) + " steps",
               time_text(result.reference.seconds)});
  }
  return canvas;
}

cv::Mat draw_convergence_chart(const ComparisonPlan& plan, const ComparisonResult& result) {
  const int bands = static_cast<int>(result.bands.size());
  const int band_w = 150;
  const int label_w = 38;  // the first band panel also carries the y decades
  const int width = std::max(640, kPad + label_w + bands * (band_w + kPad));
  const int top_h = 330;
  const int band_h = 160;
  const int legend_h = kLine * static_cast<int>((plan.samplers.size() + 3) / 4) + kPad;
  cv::Mat canvas(kPad + top_h + kPad + kLine + band_h + kPad + legend_h, width, CV_8UC3,
                 kBackground);
  const std::vector<Series> total = series_of(plan, result, -1);
  std::vector<std::vector<Series>> per_band;
  LogRange calls, distance, band_distance;
  for (const Series& s : total) {
    for (const cv::Point2d& p : s.points) {
      calls.include(p.x);
      distance.include(p.y);
    }
  }
  for (int b = 0; b < bands; ++b) {
    per_band.push_back(series_of(plan, result, b));
    for (const Series& s : per_band.back()) {
      for (const cv::Point2d& p : s.points) {
        band_distance.include(p.y);
      }
    }
  }
  draw_panel(canvas, cv::Rect(kPad, kPad, width - 2 * kPad, top_h),
             "distance to the " + std::to_string(plan.reference_steps) + "-step " +
                 plan.reference_sampler + " image (RMSE, images in [0, 1]) against model calls",
             total, calls.decades(), distance.decades(), true);
  int y = kPad + top_h + kPad;
  draw_caption(canvas, "the same per spectral band (luminance, cycles/pixel; one scale for all)",
               cv::Point(kPad, y + kCap), kCap);
  y += kLine;
  for (int b = 0; b < bands; ++b) {
    const SpectralBand& band = result.bands[b];
    const int x = kPad + b * (band_w + kPad) + (b > 0 ? label_w : 0);
    draw_panel(canvas, cv::Rect(x, y, band_w + (b == 0 ? label_w : 0), band_h),
               format("%.3g", band.low_frequency) + "-" + format("%.3g", band.high_frequency),
               per_band[b], calls.decades(), band_distance.decades(), b == 0);
  }
  const int legend_y = y + band_h + kPad;
  for (size_t k = 0; k < plan.samplers.size(); ++k) {
    const int x = kPad + static_cast<int>(k % 4) * 150;
    const int line_y = legend_y + static_cast<int>(k / 4) * kLine + kCap;
    cv::line(canvas, {x, line_y - kCap / 2}, {x + 20, line_y - kCap / 2}, series_colour(k), 2,
             cv::LINE_AA);
    draw_caption(canvas, plan.samplers[k], cv::Point(x + 26, line_y), kCap);
  }
  return canvas;
}

}  // namespace emergence
