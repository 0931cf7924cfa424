#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace emergence {

// Hyper-parameters of one training run (defaults: the built-in emoji model's).
struct TrainerOptions {
  int64_t steps = 20000;
  int batch_size = 32;
  double learning_rate = 1e-3;
  int warmup_steps = 200;      // linear LR warm-up from 0
  int64_t decay_steps = 0;     // cosine LR anneal to 0 over the last decay_steps of `steps`
  double weight_decay = 0.01;  // AdamW (Loshchilov & Hutter 2019)
  double adam_beta2 = 0.99;
  double ema_decay = 0.999;    // upper bound of the EMA decay after warm-up
  double class_dropout = 0.1;  // share of labels replaced by the null class (for CFG)
  double min_snr_gamma = 5.0;  // Hang et al. 2023
  int max_shift = 2;           // random translation augmentation, pixels
  uint64_t seed = 0;
  double grad_clip = 1.0;  // global gradient-norm clip
};

// Checks ranges; errors name the option.
void validate(const TrainerOptions& options);
nlohmann::json to_json(const TrainerOptions& options);
TrainerOptions trainer_options_from_json(const nlohmann::json& json);

}  // namespace emergence
