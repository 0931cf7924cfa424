#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "core/command_line_options.h"
#include "core/media/export/export_settings.h"
#include "core/sampling_loop.h"
#include "core/trajectory.h"

namespace emergence::app {

// The generate command's own options followed by the export and --from-json options.
std::vector<OptionSpec> with_export_options(std::vector<OptionSpec> generate_options);

// The parameters saved in --from-json FILE (an export's JSON sidecar), or none without it.
std::optional<GenerationParams> params_from_json_option(const Options& options);
// Overwrites every parameter not given explicitly on the command line with the saved one, and
// warns on log when the model's weights differ from those that made the saved image.
void apply_saved_params(const Options& options, const GenerationParams& saved,
                        GenerationParams& params, std::ostream& log);

// Records a run's frames when --export asks for it, then exports them. Settings are parsed and
// checked when it is built, so a typo fails before the run rather than after it; export options
// without --export are an Error rather than silently ignored.
class ExportRecorder : public SamplingObserver {
 public:
  // out_path: the --out image; the export goes beside it and is named after it by default.
  ExportRecorder(const Options& options, const std::string& out_path);
  bool active() const { return !settings_.empty(); }
  // Before the run: every export folder can be written, and no file of a run of frame_count
  // frames exists unless --overwrite or is the --out image. Error naming the format and the file.
  void check_destinations(int frame_count, const std::string& out_path) const;
  void on_frame(const StepFrame& frame) override;
  // Writes every requested format and reports each file on log. A latent run's final decode
  // (the --out image) becomes the last step's decoded x̂0, so the export ends on it.
  void finish(const GenerationParams& params, const Image8& final_decode, std::ostream& log);

 private:
  std::vector<ExportSettings> settings_;  // one per --export format
  Trajectory trajectory_;
};

}  // namespace emergence::app
