#pragma once

#include <ATen/core/Generator.h>
#include <torch/optim/adamw.h>

#include <map>
#include <memory>
#include <string>

#include "core/model/unet2d_config.h"
#include "core/model/unet2d_model.h"
#include "ema_weights.h"
#include "trainer_options.h"
#include "training_data.h"

namespace emergence {

// Trains a diffusers UNet2DModel on tensors in memory: v-prediction on the cosine
// (squaredcos_cap_v2) schedule with Min-SNR-γ weights, AdamW with linear warm-up and an optional
// cosine anneal, an EMA of the weights, ±max_shift px shifts and class dropout to the null class
// (the last class embedding) so that classifier-free guidance works. Every random draw comes from
// one seeded generator, so a run resumed from a checkpoint continues exactly as the uninterrupted
// run would.
class Trainer {
 public:
  // Errors when the config does not fit the data (channels, size, class count, or a size that is
  // not a multiple of the UNet's downsampling factor).
  Trainer(const UNet2DConfig& config, TrainingData data, const TrainerOptions& options);

  // Before the first step: the model (and its EMA) take these weights, by diffusers name
  // (warm_start_weights). Errors name what does not fit.
  void warm_start(const std::map<std::string, torch::Tensor>& weights, const std::string& origin);

  // One optimisation step; returns its (unsmoothed) loss.
  double step();

  int64_t steps_done() const { return step_; }
  // Exponential moving average (0.98) of the loss, for progress lines.
  double smoothed_loss() const { return smoothed_loss_; }
  double learning_rate() const;
  const UNet2DConfig& config() const { return config_; }
  const TrainerOptions& options() const { return options_; }
  // A resumed run may end elsewhere, or anneal differently, than the checkpoint planned.
  void set_total_steps(int64_t steps);
  void set_decay_steps(int64_t decay_steps);
  const TrainingData& data() const { return data_; }
  UNet2DModel& model() { return model_; }

  // A fresh model holding the EMA weights (what gets exported).
  UNet2DModel ema_model() const;
  // Writes the diffusers pipeline folder with the EMA weights, the DDIM scheduler config and
  // emergence.json (class names and groups, null class, and the data folder when given).
  void export_model_folder(const std::string& dir, const std::string& training_data = {}) const;

  // Model, EMA, AdamW state, step, generator state and configs in one file (atomic replace).
  void save_checkpoint(const std::string& path) const;
  // A trainer restored from a checkpoint, on the same data. Errors when the data's shape or
  // classes differ from the checkpoint's.
  static std::unique_ptr<Trainer> resume(const std::string& path, TrainingData data);

 private:
  torch::Tensor null_class_labels(int64_t batch) const;

  UNet2DConfig config_;
  TrainingData data_;
  TrainerOptions options_;
  UNet2DModel model_{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::unique_ptr<EmaWeights> ema_;
  at::Generator generator_;
  torch::Tensor alphas_cumprod_;  // float32 [T]
  int64_t step_ = 0;
  double smoothed_loss_ = 0.0;
};

// The DDIMScheduler config written beside a trained model: v_prediction, squaredcos_cap_v2,
// clip_sample, and "trailing" spacing so that sampling starts at the last training timestep
// (Lin et al. 2024, §3.3).
nlohmann::json trained_scheduler_config(int num_train_timesteps = 1000);

}  // namespace emergence
