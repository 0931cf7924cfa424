#include "trainer_options.h"

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
  TrainerOptions o;
  try {
    o.steps = j.at("steps").get<int64_t>();
    o.batch_size = j.at("batch_size").get<int>();
    o.learning_rate = j.at("learning_rate").get<double>();
    o.warmup_steps = j.at("warmup_steps").get<int>();
    o.decay_steps = j.value("decay_steps", int64_t{0});  // absent in older checkpoints
    o.weight_decay = j.at("weight_decay").get<double>();
    o.adam_beta2 = j.at("adam_beta2").get<double>();
    o.ema_decay = j.at("ema_decay").get<double>();
    o.class_dropout = j.at("class_dropout").get<double>();
    o.min_snr_gamma = j.at("min_snr_gamma").get<double>();
    o.max_shift = j.at("max_shift").get<int>();
    o.seed = j.at("seed").get<uint64_t>();
    o.grad_clip = j.at("grad_clip").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error("trainer options in checkpoint: " + json_error_text(e));
  }
  validate(o);
  return o;
}

}  // namespace emergence
