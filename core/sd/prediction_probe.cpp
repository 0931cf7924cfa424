#include "prediction_probe.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace emergence {

PredictionProbe probe_v_prediction(UNet2DConditionModelImpl& unet) {
  c10::InferenceMode inference;
  const auto options = torch::TensorOptions().dtype(torch::kFloat32);
  const torch::Tensor x = at::full({1, unet.config().in_channels, 8, 8}, 0.5, options);
  const torch::Tensor context = at::full({1, 2, unet.config().cross_attention_dim}, 0.5, options);
  const torch::Tensor out = unet.forward(x, at::full({1}, 999.0, options), context);
  PredictionProbe probe;
  probe.mean_output_minus_input = (out - x).mean().item<double>();
  probe.v_prediction = probe.mean_output_minus_input < -1.0;
  return probe;
}

}  // namespace emergence
