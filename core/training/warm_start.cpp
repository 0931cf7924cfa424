#include "warm_start.h"

#include <algorithm>

#include "core/error.h"
#include "core/model/model_folder.h"

namespace emergence {
namespace {

constexpr const char* kClassTable = "class_embedding.weight";

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

}  // namespace

UNet2DConfig warm_start_config(const std::string& model_dir, const TrainingData& data) {
  const ModelFolder folder = read_model_folder(model_dir);
  if (!folder.config.num_class_embeds || !folder.null_class || !data.conditional()) {
    throw Error("--init " + model_dir +
                ": warm starts need a class-conditional model with a null class and class-labelled "
                "data");
  }
  UNet2DConfig config = folder.config;
  config.num_class_embeds = static_cast<int>(data.class_names.size()) + 1;
  return config;
}

std::map<std::string, torch::Tensor> warm_start_weights(const std::string& model_dir,
                                                        const TrainingData& data) {
  const ModelFolder folder = read_model_folder(model_dir);
  UNet2DModel trained = load_unet(folder);
  std::map<std::string, torch::Tensor> weights = state_dict(trained);
  const torch::Tensor old_table = weights.at(kClassTable);
  const int old_null = static_cast<int>(old_table.size(0)) - 1;
  const int classes = static_cast<int>(data.class_names.size());
  torch::Tensor table = torch::empty({classes + 1, old_table.size(1)}, old_table.options());
  for (int c = 0; c < classes; ++c) {
    int row = index_of(folder.class_names, data.class_names[c]);
    if (row < 0 && !data.class_groups.empty()) {
      row = index_of(folder.class_names, data.class_groups[c]);
    }
    table[c].copy_(old_table[row < 0 ? old_null : row]);
  }
  table[classes].copy_(old_table[old_null]);
  weights[kClassTable] = table;
  return weights;
}

}  // namespace emergence
