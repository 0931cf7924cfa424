#include "shift_augment.h"

#include <torch/nn/functional/padding.h>

namespace emergence {

torch::Tensor random_shift(const torch::Tensor& batch, int max_shift, at::Generator& generator) {
  if (max_shift <= 0) {
    return batch;
  }
  namespace F = torch::nn::functional;
  const int64_t b = batch.size(0), h = batch.size(2), w = batch.size(3);
  const torch::Tensor padded = F::pad(
      batch,
      F::PadFuncOptions({max_shift, max_shift, max_shift, max_shift}).mode(torch::kReplicate));
  const torch::Tensor offsets =
      torch::randint(0, 2 * max_shift + 1, {b, 2}, generator, torch::kInt64);
  const auto acc = offsets.accessor<int64_t, 2>();
  std::vector<torch::Tensor> crops;
  crops.reserve(b);
  for (int64_t i = 0; i < b; ++i) {
    crops.push_back(padded[i].narrow(1, acc[i][0], h).narrow(2, acc[i][1], w));
  }
  return torch::stack(crops);
}

}  // namespace emergence
