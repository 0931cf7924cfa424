#include "sample_grid_command.h"

#include <algorithm>
#include <iostream>

#include "app/builtin_model.h"
#include "app/emoji_dataset.h"
#include "app/labelled_grid.h"
#include "core/command_line_options.h"
#include "core/display_image.h"
#include "core/error.h"
#include "core/media/image_file.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/image_grid.h"
#include "core/training/model_samples.h"

namespace emergence::app {

int run_sample_grid_command(const std::vector<std::string>& args) {
  Options options("emergence sample-grid",
                  {{"--model", "DIR", "model folder (default: the built-in model)"},
                   {"--out", "FILE.png", "the grid to write (required)"},
                   {"--classes", "N", "rows: classes 0 … N−1 (default 8; 1 row if unconditional)"},
                   {"--seeds", "N", "columns: seeds S … S+N−1 (default 8)"},
                   {"--seed", "S", "first seed (default 0)"},
                   {"--steps", "N", "sampling steps (default 30)"},
                   {"--guidance", "G", "classifier-free guidance scale (default 2)"},
                   {"--scale", "N", "enlarge each tile N times (default 2)"},
                   {"--labelled", "",
                    "one captioned cell per class (its seeds side by side), cells in a square "
                    "grid: for models with many classes"},
                   threads_option()});
  options.parse(args);
  use_threads_option(options);
  if (options.help_requested()) {
    std::cout << options.usage();
    return 0;
  }
  const std::string out = options.required_text("--out");
  std::string model_dir = options.text("--model", builtin_model_dir());
  if (model_dir.empty()) {
    throw Error("no --model given and the built-in model is not installed");
  }
  const auto model = load_diffusion_model(model_dir);
  const auto& classes = model->info().class_names;
  const int rows = classes.empty() ? 1
                                   : static_cast<int>(options.integer(
                                         "--classes", 8, 1, static_cast<int64_t>(classes.size())));
  const int columns = static_cast<int>(options.integer("--seeds", 8, 1, 64));
  const uint64_t first_seed = options.unsigned_integer("--seed", 0);
  SamplingSettings settings;
  settings.steps = static_cast<int>(options.integer("--steps", 30, 1, 1000));
  settings.guidance_scale = options.number("--guidance", 2.0, 0.0, 100.0);
  std::vector<SampleRequest> requests;
  for (int row = 0; row < rows; ++row) {
    for (int column = 0; column < columns; ++column) {
      requests.push_back({classes.empty() ? -1 : row, first_seed + column});
    }
  }
  const torch::Tensor samples = draw_samples(*model, requests, settings);
  std::vector<Image8> tiles;
  for (int64_t i = 0; i < samples.size(0); ++i) {
    tiles.push_back(to_image8(samples[i], DisplayMapping::Image));
  }
  const int scale = static_cast<int>(options.integer("--scale", 2, 1, 16));
  if (options.has("--labelled") && !classes.empty()) {
    std::vector<std::vector<Image8>> cells(rows);
    for (size_t i = 0; i < tiles.size(); ++i) {
      cells[i / columns].push_back(tiles[i]);
    }
    ensure_gui_application();
    const std::vector<std::string> captions(classes.begin(), classes.begin() + rows);
    write_image(out, make_labelled_grid(cells, captions, square_grid_columns(rows), scale));
  } else {
    write_image(out, make_image_grid(tiles, columns, 2, scale));
  }
  for (int row = 0; row < rows && !classes.empty(); ++row) {
    std::cout << "row " << row << ": " << classes[row] << "\n";
  }
  std::cout << "wrote " << out << " (" << rows << " × " << columns << ", " << settings.steps
            << " steps, guidance " << settings.guidance_scale << ")\n";
  return 0;
}

}  // namespace emergence::app
