#include "train_samples.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/display_image.h"
#include "core/media/image_file.h"
#include "core/model/unet_diffusion_model.h"
#include "core/training/image_grid.h"
#include "core/training/model_samples.h"
#include "core/training/trainer.h"

namespace emergence::app {
namespace {

constexpr int kMaxClasses = 16;
constexpr int kUnconditionalSamples = 9;
constexpr uint64_t kFirstSeed = 1000;  // any fixed seeds do; these are the grid's for good
constexpr int kGap = 2;

}  // namespace

TrainingSampleGrids::TrainingSampleGrids(std::string work_dir) : work_dir_(std::move(work_dir)) {}

std::string TrainingSampleGrids::write(const Trainer& trainer) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(work_dir_) / kSamplesFolder;
  fs::create_directories(folder);
  // The sampler runs on a model folder, exactly as the finished model will: write the EMA
  // weights beside the grids and open them.
  const fs::path model_dir = folder / "model";
  trainer.export_model_folder(model_dir.string());
  const auto model = load_diffusion_model(model_dir.string());

  const auto& classes = trainer.data().class_names;
  std::vector<SampleRequest> requests;
  std::vector<std::string> labels;
  if (classes.empty()) {
    for (int i = 0; i < kUnconditionalSamples; ++i) {
      requests.push_back({-1, kFirstSeed + static_cast<uint64_t>(i)});
    }
  } else {
    // The first classes the data holds images of (a class table may list more).
    const torch::Tensor counts =
        torch::bincount(trainer.data().labels, {}, static_cast<int64_t>(classes.size()));
    for (int64_t c = 0; c < counts.size(0) && static_cast<int>(requests.size()) < kMaxClasses;
         ++c) {
      if (counts[c].item<int64_t>() > 0) {
        requests.push_back({c, kFirstSeed + static_cast<uint64_t>(c)});
        labels.push_back(classes[c]);
      }
    }
  }
  SamplingSettings settings;
  settings.steps = 20;
  settings.guidance_scale = 3.0;
  const torch::Tensor samples = draw_samples(*model, requests, settings);
  std::vector<Image8> tiles;
  for (int64_t i = 0; i < samples.size(0); ++i) {
    tiles.push_back(to_image8(samples[i], DisplayMapping::Image));
  }
  const int resolution = static_cast<int>(samples.size(3));
  const int scale = std::clamp(64 / std::max(1, resolution), 1, 16);  // tiles of about 64 px
  const int columns = square_grid_columns(static_cast<int>(tiles.size()));
  const int64_t step = trainer.steps_done();
  const std::string file = "step-" + std::to_string(step) + ".png";
  write_image((folder / file).string(), make_image_grid(tiles, columns, kGap, scale));
  const nlohmann::json index = {{"step", step},       {"file", file},
                                {"columns", columns}, {"tile", resolution * scale},
                                {"gap", kGap},        {"labels", labels}};
  write_file_atomically((folder / kSamplesIndex).string(), index.dump(2) + "\n");
  return (folder / file).string();
}

}  // namespace emergence::app
