#pragma once

#include "diffusion_model.h"
#include "sampling_loop.h"

namespace emergence {

// Hands every frame on with x_t, x̂0, ε̂ and Δ replaced by the model's RGB previews
// (DiffusionModel::preview_rgb), for observers that show, save or measure images; x0_decoded
// (DecodedPreviewObserver, before this one) is an image already and passes on. Frames of
// pixel models (latent_scale 1) pass through untouched; observers that want latents subscribe
// to the run directly.
class PreviewObserver : public SamplingObserver {
 public:
  PreviewObserver(const DiffusionModel& model, SamplingObserver* next)
      : model_(model), next_(next) {}

  void on_frame(const StepFrame& frame) override {
    if (next_ == nullptr) {
      return;
    }
    if (model_.info().latent_scale == 1) {
      next_->on_frame(frame);
      return;
    }
    StepFrame preview = frame;
    preview.x_t = model_.preview_rgb(frame.x_t);
    preview.x0 = model_.preview_rgb(frame.x0);
    preview.eps = model_.preview_rgb(frame.eps);
    preview.delta = model_.preview_rgb(frame.delta);
    next_->on_frame(preview);
  }

 private:
  const DiffusionModel& model_;
  SamplingObserver* next_;
};

}  // namespace emergence
