#pragma once

#include <torch/types.h>

namespace emergence {

// The v-prediction target v = √ᾱ·ε − √(1−ᾱ)·x0 (Salimans & Ho 2022, §4; diffusers
// DDPMScheduler.get_velocity). alpha_cumprod broadcasts over [B, 1, 1, 1].
torch::Tensor velocity_target(const torch::Tensor& x0, const torch::Tensor& noise,
                              const torch::Tensor& alpha_cumprod);

// Min-SNR-γ loss weights for a v-prediction model, min(SNR, γ) / (SNR + 1) with SNR = ᾱ/(1−ᾱ)
// (Hang et al. 2023, eq. 9 rewritten for v as in diffusers' train_text_to_image.py). [B] in, [B]
// out.
torch::Tensor min_snr_v_weights(const torch::Tensor& alpha_cumprod, double gamma);

// The per-sample weighted mean squared error between prediction and target, averaged over the
// batch: Σ_b w_b · mean((pred_b − target_b)²) / B.
torch::Tensor weighted_mse(const torch::Tensor& prediction, const torch::Tensor& target,
                           const torch::Tensor& weights);

}  // namespace emergence
