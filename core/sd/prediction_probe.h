#pragma once

#include "core/model/unet2d_condition_model.h"

namespace emergence {

// Whether an SD 2 UNet predicts v or ε, which its weights do not record (SD 2-base is ε, SD
// 2-768 v): A1111's is_using_v_parameterization_for_sd2 (modules/sd_models_config.py), as
// stable-diffusion.cpp's is_using_v_parameterization_for_sd2 copies it. One UNet call on an 8×8
// latent of 0.5 with a 2-token context of 0.5 at t = 999; v-prediction when mean(out − x) < −1.
struct PredictionProbe {
  double mean_output_minus_input = 0.0;
  bool v_prediction = false;
};
PredictionProbe probe_v_prediction(UNet2DConditionModelImpl& unet);

}  // namespace emergence
