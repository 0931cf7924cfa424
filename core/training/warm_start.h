#pragma once

#include <torch/types.h>

#include <map>
#include <string>

#include "core/model/unet2d_config.h"
#include "training_data.h"

namespace emergence {

// A new run that starts from a trained model (`--init MODELDIR`): the trained model's
// architecture, with a class table sized for the new data's classes.
UNet2DConfig warm_start_config(const std::string& model_dir, const TrainingData& data);

// The trained weights for that architecture. Every tensor is the trained one except the class
// table: each new class starts from the trained row of the class with its name, else of the class
// named like its group (a Unicode subgroup starts from its group), else from the null class; the
// null row stays the null row. Errors name the folder and what does not fit.
std::map<std::string, torch::Tensor> warm_start_weights(const std::string& model_dir,
                                                        const TrainingData& data);

}  // namespace emergence
