#include "trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/serialize.h>

#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json_file.h"
#include "core/model/model_folder.h"
#include "core/noise_schedule.h"
#include "diffusion_loss.h"
#include "shift_augment.h"

namespace emergence {
namespace {

constexpr const char* kCheckpointFormat = "emergence-trainer-checkpoint-1";

int downsampling_factor(const UNet2DConfig& config) {
  return 1 << (static_cast<int>(config.down_block_types.size()) - 1);
}

void check_fit(const UNet2DConfig& config, const TrainingData& data) {
  validate(config);
  validate_training_data(data, "training data");
  const int64_t c = data.images.size(1), h = data.images.size(2), w = data.images.size(3);
  if (h != w) {
    throw Error("training images must be square, got " + std::to_string(w) + "x" +
                std::to_string(h));
  }
  const int factor = downsampling_factor(config);
  if (h % factor != 0) {
    throw Error("resolution " + std::to_string(h) + " is not a multiple of " +
                std::to_string(factor) + ", the UNet's downsampling factor (" +
                std::to_string(config.down_block_types.size()) + " down blocks)");
  }
  if (config.sample_size != h || config.in_channels != c || config.out_channels != c) {
    throw Error("UNet config (sample_size " + std::to_string(config.sample_size) + ", " +
                std::to_string(config.in_channels) + " channels) does not match the images (" +
                std::to_string(h) + " px, " + std::to_string(c) + " channels)");
  }
  const int wanted = data.conditional() ? static_cast<int>(data.class_names.size()) + 1 : 0;
  if (config.num_class_embeds.value_or(0) != wanted) {
    throw Error("UNet num_class_embeds must be " + std::to_string(wanted) +
                " (the classes plus one null class), got " +
                std::to_string(config.num_class_embeds.value_or(0)));
  }
}

}  // namespace

nlohmann::json trained_scheduler_config(int num_train_timesteps) {
  return {{"_class_name", "DDIMScheduler"},
          {"_diffusers_version", "0.35.2"},
          {"beta_end", 0.02},
          {"beta_schedule", "squaredcos_cap_v2"},
          {"beta_start", 0.0001},
          {"clip_sample", true},
          {"clip_sample_range", 1.0},
          {"dynamic_thresholding_ratio", 0.995},
          {"num_train_timesteps", num_train_timesteps},
          {"prediction_type", "v_prediction"},
          {"rescale_betas_zero_snr", false},
          {"sample_max_value", 1.0},
          {"set_alpha_to_one", true},
          {"steps_offset", 0},
          {"thresholding", false},
          {"timestep_spacing", "trailing"},
          {"trained_betas", nullptr}};
}

Trainer::Trainer(const UNet2DConfig& config, TrainingData data, const TrainerOptions& options)
    : config_(config),
      data_(std::move(data)),
      options_(options),
      generator_(at::detail::createCPUGenerator(options.seed)) {
  validate(options_);
  check_fit(config_, data_);
  // Parameter initialisation draws from the global generator; seed it for reproducible starts.
  torch::manual_seed(options_.seed);
  model_ = UNet2DModel(config_);
  model_->train();
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      model_->parameters(), torch::optim::AdamWOptions(options_.learning_rate)
                                .betas({0.9, options_.adam_beta2})
                                .weight_decay(options_.weight_decay));
  ema_ = std::make_unique<EmaWeights>(*model_, options_.ema_decay);
  TrainingScheduleConfig schedule;
  schedule.beta_schedule = BetaSchedule::SquaredCosCapV2;
  alphas_cumprod_ = NoiseSchedule(schedule).alphas_cumprod().clone();
}

void Trainer::warm_start(const std::map<std::string, torch::Tensor>& weights,
                         const std::string& origin) {
  if (step_ != 0) {
    throw Error("a warm start replaces the weights before the first step, not at step " +
                std::to_string(step_));
  }
  load_weights(model_, weights, origin);
  ema_ = std::make_unique<EmaWeights>(*model_, options_.ema_decay);
}

void Trainer::set_total_steps(int64_t steps) {
  options_.steps = steps;
  validate(options_);
}

void Trainer::set_decay_steps(int64_t decay_steps) {
  options_.decay_steps = decay_steps;
  validate(options_);
}

double Trainer::learning_rate() const {
  // Linear warm-up, constant, then (if decay_steps > 0) cosine annealing to 0 at `steps`
  // (Loshchilov & Hutter 2017, eq. 5, one cycle).
  const double ramp = options_.warmup_steps > 0
                          ? std::min(1.0, static_cast<double>(step_ + 1) / options_.warmup_steps)
                          : 1.0;
  const int64_t decay_start = options_.steps - options_.decay_steps;
  double anneal = 1.0;
  if (options_.decay_steps > 0 && step_ >= decay_start) {
    const double progress =
        std::min(1.0, static_cast<double>(step_ - decay_start) / options_.decay_steps);
    anneal = 0.5 * (1.0 + std::cos(M_PI * progress));
  }
  return options_.learning_rate * ramp * anneal;
}

torch::Tensor Trainer::null_class_labels(int64_t batch) const {
  return torch::full({batch}, static_cast<int64_t>(data_.class_names.size()), torch::kInt64);
}

double Trainer::step() {
  const int64_t b = options_.batch_size;
  const int64_t n = data_.size();
  const torch::Tensor index = torch::randint(0, n, {b}, generator_, torch::kInt64);
  const torch::Tensor x0 =
      random_shift(data_.images.index_select(0, index), options_.max_shift, generator_);
  const torch::Tensor noise = torch::randn(x0.sizes(), generator_, torch::kFloat32);
  const int64_t T = alphas_cumprod_.size(0);
  const torch::Tensor t = torch::randint(0, T, {b}, generator_, torch::kInt64);
  const torch::Tensor ac = alphas_cumprod_.index_select(0, t);
  const torch::Tensor ac4 = ac.view({b, 1, 1, 1});
  // Forward process x_t = √ᾱ·x0 + √(1−ᾱ)·ε (Ho et al. 2020, eq. 4).
  const torch::Tensor x_t = ac4.sqrt() * x0 + (1.0 - ac4).sqrt() * noise;
  torch::Tensor labels;
  if (data_.conditional()) {
    const torch::Tensor drop =
        torch::rand({b}, generator_, torch::kFloat32) < static_cast<float>(options_.class_dropout);
    labels = torch::where(drop, null_class_labels(b), data_.labels.index_select(0, index));
  }
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate());
  }
  optimizer_->zero_grad();
  const torch::Tensor prediction = model_->forward(x_t, t, labels);
  const torch::Tensor loss = weighted_mse(prediction, velocity_target(x0, noise, ac4),
                                          min_snr_v_weights(ac, options_.min_snr_gamma));
  loss.backward();
  torch::nn::utils::clip_grad_norm_(model_->parameters(), options_.grad_clip);
  optimizer_->step();
  ema_->update(*model_);
  const double value = loss.item<double>();
  if (!std::isfinite(value)) {
    throw Error("training loss became non-finite at step " + std::to_string(step_ + 1) +
                " (try a lower --lr)");
  }
  smoothed_loss_ = step_ == 0 ? value : 0.98 * smoothed_loss_ + 0.02 * value;
  ++step_;
  return value;
}

UNet2DModel Trainer::ema_model() const {
  UNet2DModel copy(config_);
  ema_->copy_to(*copy);
  copy->eval();
  return copy;
}

void Trainer::export_model_folder(const std::string& dir, const std::string& training_data) const {
  UNet2DModel weights = ema_model();
  ModelLabels labels;
  labels.class_names = data_.class_names;
  labels.class_groups = data_.class_groups;
  labels.null_class = data_.conditional();
  labels.training_data = training_data;
  save_model_folder(dir, config_, weights, trained_scheduler_config(), labels);
}

void Trainer::save_checkpoint(const std::string& path) const {
  torch::serialize::OutputArchive root;
  root.write("format", c10::IValue(std::string(kCheckpointFormat)));
  root.write("unet_config", c10::IValue(to_json(config_).dump()));
  root.write("options", c10::IValue(to_json(options_).dump()));
  root.write("class_names", c10::IValue(nlohmann::json(data_.class_names).dump()));
  root.write("data_shape", torch::tensor(data_.images.sizes().vec()), true);
  root.write("step", torch::tensor(step_), true);
  root.write("smoothed_loss", torch::tensor(smoothed_loss_, torch::kFloat64), true);
  root.write("rng", generator_.get_state(), true);
  torch::serialize::OutputArchive model_archive, ema_archive, optimizer_archive;
  model_->save(model_archive);
  ema_->save(ema_archive);
  optimizer_->save(optimizer_archive);
  root.write("model", model_archive);
  root.write("ema", ema_archive);
  root.write("optimizer", optimizer_archive);
  std::string bytes;
  root.save_to([&bytes](const void* data, size_t size) {
    bytes.append(static_cast<const char*>(data), size);
    return size;
  });
  write_file_atomically(path, bytes);
}

std::unique_ptr<Trainer> Trainer::resume(const std::string& path, TrainingData data) {
  torch::serialize::InputArchive root;
  try {
    root.load_from(path);
  } catch (const c10::Error& e) {
    throw Error("cannot read checkpoint " + path + ": " + e.what_without_backtrace());
  }
  c10::IValue format, config_text, options_text, classes_text;
  if (!root.try_read("format", format) || !format.isString() ||
      format.toStringRef() != kCheckpointFormat) {
    throw Error(path + " is not an Emergence trainer checkpoint");
  }
  root.read("unet_config", config_text);
  root.read("options", options_text);
  root.read("class_names", classes_text);
  const nlohmann::json classes = parse_lenient_json(classes_text.toStringRef(), path + " classes");
  const auto class_names = json_string_list(classes, path + ": the checkpoint's class names");
  torch::Tensor shape;
  root.read("data_shape", shape, true);
  if (!torch::equal(shape, torch::tensor(data.images.sizes().vec())) ||
      class_names != data.class_names) {
    throw Error("checkpoint " + path + " was trained on data of another shape or other classes");
  }
  auto trainer = std::make_unique<Trainer>(
      unet2d_config_from_json(parse_lenient_json(config_text.toStringRef(), path + " UNet config")),
      std::move(data),
      trainer_options_from_json(parse_lenient_json(options_text.toStringRef(), path + " options")));
  torch::serialize::InputArchive model_archive, ema_archive, optimizer_archive;
  root.read("model", model_archive);
  root.read("ema", ema_archive);
  root.read("optimizer", optimizer_archive);
  trainer->model_->load(model_archive);
  trainer->ema_->load(ema_archive);
  trainer->optimizer_->load(optimizer_archive);
  torch::Tensor step, loss, rng;
  root.read("step", step, true);
  root.read("smoothed_loss", loss, true);
  root.read("rng", rng, true);
  trainer->step_ = step.item<int64_t>();
  trainer->smoothed_loss_ = loss.item<double>();
  trainer->generator_.set_state(rng);
  return trainer;
}

}  // namespace emergence
