#include "trainer_options.h"

#include <limits>
#include <string>

#include "core/error.h"
#include "core/json_file.h"

namespace emergence {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) {
    throw Error(message);
  }
}

}  // namespace

void validate(const TrainerOptions& o) {
  require(o.steps >= 1, "--steps must be at least 1");
  require(o.batch_size >= 1 && o.batch_size <= 4096, "--batch must lie in [1, 4096]");
  require(o.learning_rate > 0.0 && o.learning_rate <= 1.0, "--lr must lie in (0, 1]");
  require(o.warmup_steps >= 0, "warm-up steps must be ≥ 0");
  require(o.decay_steps >= 0 && o.decay_steps <= o.steps,
          "--lr-decay-steps must lie in [0, --steps]");
  require(o.weight_decay >= 0.0, "weight decay must be ≥ 0");
  require(o.adam_beta2 > 0.0 && o.adam_beta2 < 1.0, "Adam β2 must lie in (0, 1)");
  require(o.ema_decay >= 0.0 && o.ema_decay < 1.0, "--ema-decay must lie in [0, 1)");
  require(o.class_dropout >= 0.0 && o.class_dropout < 1.0, "class dropout must lie in [0, 1)");
  require(o.min_snr_gamma > 0.0, "Min-SNR γ must be > 0");
  require(o.max_shift >= 0 && o.max_shift <= 8, "shift augmentation must lie in [0, 8] px");
  require(o.grad_clip > 0.0, "gradient clip must be > 0");
}

nlohmann::json to_json(const TrainerOptions& o) {
  return {{"steps", o.steps},
          {"batch_size", o.batch_size},
          {"learning_rate", o.learning_rate},
          {"warmup_steps", o.warmup_steps},
          {"decay_steps", o.decay_steps},
          {"weight_decay", o.weight_decay},
          {"adam_beta2", o.adam_beta2},
          {"ema_decay", o.ema_decay},
          {"class_dropout", o.class_dropout},
          {"min_snr_gamma", o.min_snr_gamma},
          {"max_shift", o.max_shift},
          {"seed", o.seed},
          {"grad_clip", o.grad_clip}};
}

TrainerOptions trainer_options_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    throw Error("trainer options in checkpoint are not a JSON object");
  }
  TrainerOptions o;
  const auto at = [&j](const char* key) -> const nlohmann::json& {
    if (!j.contains(key)) {
      throw Error(std::string("trainer options in checkpoint lack '") + key + "'");
    }
    return j.at(key);
  };
  const auto integer = [&](const char* key, int64_t max) {
    return json_integer(at(key), std::string("trainer option '") + key + "'", 0, max);
  };
  const auto number = [&](const char* key) {
    return json_number(at(key), std::string("trainer option '") + key + "'");
  };
  constexpr int64_t kInt = std::numeric_limits<int>::max();
  constexpr int64_t kInt64 = std::numeric_limits<int64_t>::max();
  o.steps = integer("steps", kInt64);
  o.batch_size = static_cast<int>(integer("batch_size", kInt));
  o.learning_rate = number("learning_rate");
  o.warmup_steps = static_cast<int>(integer("warmup_steps", kInt));
  o.decay_steps = j.contains("decay_steps") ? integer("decay_steps", kInt64) : 0;  // older files
  o.weight_decay = number("weight_decay");
  o.adam_beta2 = number("adam_beta2");
  o.ema_decay = number("ema_decay");
  o.class_dropout = number("class_dropout");
  o.min_snr_gamma = number("min_snr_gamma");
  o.max_shift = static_cast<int>(integer("max_shift", kInt));
  o.seed = json_unsigned(at("seed"), "trainer option 'seed'");
  o.grad_clip = number("grad_clip");
  validate(o);
  return o;
}

}  // namespace emergence
