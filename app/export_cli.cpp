#include "export_cli.h"

#include <filesystem>
#include <sstream>

#include "app/destination_checks.h"
#include "core/error.h"
#include "core/media/export/trajectory_export.h"
#include "core/sampler_aliases.h"

namespace emergence::app {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

ExportSettings common_settings(const Options& o, const std::string& out_path) {
  ExportSettings s;
  const std::filesystem::path out(out_path);
  s.directory = o.text("--export-dir", out.has_parent_path() ? out.parent_path().string() : ".");
  s.base_name = o.text("--export-name", out.stem().string());
  s.view = parse_export_view(o.text("--view", "xt"));
  s.stride = static_cast<int>(o.integer("--stride", 1, 1, 10000));
  s.scale = static_cast<int>(o.integer("--scale", 4, 1, 64));
  s.smooth = o.has("--smooth");
  s.step_label = o.has("--label");
  s.progress_bar = o.has("--progress-bar");
  s.global_palette = o.has("--global-palette");
  if (o.has("--fps") && o.has("--delay")) {
    throw Error("give either --fps or --delay, not both");
  }
  if (o.has("--fps")) {
    s.frame_delay_ms = 1000.0 / o.number("--fps", 10.0, 1.0 / 60.0, 50.0);
  }
  s.frame_delay_ms = o.number("--delay", s.frame_delay_ms, 20.0, 60000.0);
  s.hold_last_ms = o.number("--hold", s.hold_last_ms, 0.0, 600000.0);
  s.overwrite = o.has("--overwrite");
  return s;
}

// Options that only shape an export: given without --export they would be ignored silently.
constexpr const char* kExportOnlyOptions[] = {
    "--export-dir", "--export-name",  "--view", "--stride", "--scale", "--smooth",
    "--label",      "--progress-bar", "--fps",  "--delay",  "--hold",  "--global-palette"};

std::string kibibytes(uint64_t bytes) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << bytes / 1024.0 << " KiB";
  return s.str();
}

}  // namespace

std::vector<OptionSpec> with_export_options(std::vector<OptionSpec> specs) {
  const std::vector<OptionSpec> extra = {
      {"--from-json", "FILE", "regenerate from an export's JSON sidecar (other options override)"},
      {"--export", "FORMATS", "also export the run: png, gif, mp4, webp, sheet, still (a,b,…)"},
      {"--export-dir", "DIR", "folder for the export (default: the --out folder)"},
      {"--export-name", "NAME", "file name stem of the export (default: the --out stem)"},
      {"--view", "VIEW", "xt, x0, eps, delta or pair (x_t | x0) (default xt)"},
      {"--stride", "K", "export every K-th step; the last is always included (default 1)"},
      {"--scale", "N", "upscale factor (default 4)"},
      {"--smooth", "", "bicubic upscaling instead of crisp nearest-neighbour pixels"},
      {"--label", "", "burn the step number and sigma into each frame"},
      {"--progress-bar", "", "burn a progress bar into each frame"},
      {"--fps", "F", "animation frame rate (default 10)"},
      {"--delay", "MS", "time per frame in milliseconds, instead of --fps"},
      {"--hold", "MS", "extra time on the last frame (default 1000)"},
      {"--global-palette", "", "GIF: one palette for all frames instead of one per frame"},
      {"--overwrite", "", "replace files that already exist (--out, the export, every output)"},
  };
  specs.insert(specs.end(), extra.begin(), extra.end());
  return specs;
}

std::optional<GenerationParams> params_from_json_option(const Options& options) {
  if (!options.has("--from-json")) {
    return std::nullopt;
  }
  return generation_params_from_sidecar(options.text("--from-json"));
}

void apply_saved_params(const Options& o, const GenerationParams& saved, GenerationParams& p,
                        std::ostream& log) {
  if (!saved.model_hash.empty() && !p.model_hash.empty() && saved.model_hash != p.model_hash) {
    log << "warning: model " << p.model_name << " (hash " << p.model_hash
        << ") is not the one that made "
        << (o.has("--from-json") ? o.text("--from-json") : o.text("--branch-from")) << " (hash "
        << saved.model_hash << "); the image will differ\n";
  }
  const auto keep = [&o](const char* option) { return o.has(option); };
  if (!keep("--sampler")) {
    p.sampler = saved.sampler;
  }
  if (!keep("--steps")) {
    p.steps = saved.steps;
  }
  // "--sampler 'DPM++ 2M Karras'" chooses the schedule as --schedule would.
  const bool sampler_names_schedule =
      keep("--sampler") && parse_sampler_choice(o.text("--sampler")).schedule.has_value();
  if (!keep("--schedule") && !sampler_names_schedule) {
    p.spacing = saved.spacing;
    p.karras_rho = saved.karras_rho;
  }
  if (!keep("--shift")) {
    p.shift = saved.shift;
  }
  if (!keep("--seed")) {
    p.seed = saved.seed;
  }
  if (!keep("--class")) {
    p.class_label = saved.class_label;
  }
  if (!keep("--guidance")) {
    p.guidance_scale = saved.guidance_scale;
  }
  if (!keep("--eta")) {
    p.eta = saved.eta;
  }
  if (!keep("--diffusers-exact")) {
    p.diffusers_exact = saved.diffusers_exact;
  }
  if (!keep("--prompt")) {
    p.prompt = saved.prompt;
  }
  if (!keep("--negative")) {
    p.negative_prompt = saved.negative_prompt;
  }
  if (!keep("--clip-skip")) {
    p.clip_skip = saved.clip_skip;
  }
  if (!keep("--width") && saved.width > 0) {
    p.width = saved.width;
  }
  if (!keep("--height") && saved.height > 0) {
    p.height = saved.height;
  }
  // The start image itself comes with --init-image; its recorded hash checks it.
  p.init_image_hash = saved.init_image_hash;
  p.init_image_fit = saved.init_image_fit;
  if (!keep("--strength")) {
    p.strength = saved.strength;
  }
  if (!keep("--mask")) {
    p.mask = saved.mask;
  }
  p.variation_seed = saved.variation_seed;
  p.variation_strength = saved.variation_strength;
  p.parent = saved.parent;
  p.branch_step = saved.branch_step;
}

ExportRecorder::ExportRecorder(const Options& options, const std::string& out_path) {
  if (!options.has("--export")) {
    for (const char* name : kExportOnlyOptions) {
      if (options.has(name)) {
        throw Error(std::string(name) + " only applies to an export; add --export FORMATS");
      }
    }
    return;
  }
  const ExportSettings common = common_settings(options, out_path);
  for (const std::string& format : split_list(options.text("--export"))) {
    ExportSettings s = common;
    s.format = parse_export_format(format);
    if (s.format == ExportFormat::Still && !options.has("--export-name")) {
      s.base_name += "_final";  // beside --out, whose name the other formats share
    }
    validate(s);
    settings_.push_back(s);
  }
  if (settings_.empty()) {
    throw Error("--export needs at least one format: png, gif, mp4, webp, sheet or still");
  }
}

void ExportRecorder::check_destinations(int frame_count, const std::string& out_path) const {
  const std::filesystem::path out = std::filesystem::path(out_path).lexically_normal();
  for (const ExportSettings& s : settings_) {
    const std::string what = "--export " + to_string(s.format);
    check_output_folder(what, s.directory);
    const std::vector<std::string> files = planned_files(frame_count, s);
    for (const std::string& file : files) {
      if (std::filesystem::path(file).lexically_normal() == out) {
        throw Error(what + " would write " + file + ", the --out image; give --export-name");
      }
    }
    check_not_existing(what, files, s.overwrite);
  }
}

void ExportRecorder::on_frame(const StepFrame& frame) {
  if (active()) {
    trajectory_.frames.push_back(make_trajectory_frame(frame));
  }
}

void ExportRecorder::finish(const GenerationParams& params, const Image8& final_decode,
                            std::ostream& log) {
  trajectory_.params = params;
  if (active() && is_prompt_run(params) && !trajectory_.frames.empty()) {
    set_decoded_x0(trajectory_, static_cast<int>(trajectory_.frames.size()) - 1, final_decode,
                   "VAE");
  }
  for (const ExportSettings& s : settings_) {
    const ExportResult result = export_trajectory(trajectory_, s);
    log << "exported " << to_string(s.format) << ": " << result.files.front();
    if (result.files.size() > 2) {
      log << " … " << result.files[result.files.size() - 2];
    }
    log << " (" << result.frames << (result.frames == 1 ? " picture, " : " pictures, ")
        << result.width << "x" << result.height << ", " << kibibytes(result.bytes);
    if (!result.codec.empty()) {
      log << ", codec " << result.codec;
    }
    log << ") and " << result.files.back() << "\n";
  }
}

}  // namespace emergence::app
