#pragma once

#include "../sampler.h"

namespace emergence {

// How diffusers holds the timestep it hands the model for each σ of the grid.
enum class GridTimesteps {
  Fractional,  // float32 (Euler, Heun, LMS, DPM2)
  // int64 on the multistep schedulers' spacings, which place N+1 points and drop the last
  // (linspace, leading); Karras timesteps rounded, exponential and beta ones truncated (UniPC,
  // DEIS)
  Integer,
  // the same, but on the cosine schedule the Karras timesteps are truncated too
  // (DPMSolverMultistep)
  DpmSolver,
};

// Where the last step ends: σ = 0 (diffusers `final_sigmas_type="zero"`) or the smallest
// training σ, σ(0) ("sigma_min"; DEIS always).
enum class FinalSigma { Zero, Smallest };

// Shared set-up of the samplers that step on σ (Euler, Heun, DPM-Solver++, UniPC, …):
// σ_i = σ(t_i) interpolated from the training schedule, or the σ of a schedule made of σ (Karras,
// exponential, beta, …) themselves, then the final σ.
class SigmaSampler : public Sampler {
 public:
  SigmaSampler(const NoiseSchedule& schedule, const SamplerSettings& settings,
               GridTimesteps kind = GridTimesteps::Fractional,
               FinalSigma final_sigma = FinalSigma::Zero);
  double init_noise_sigma() const override;

 protected:
  NoiseSchedule schedule_;
  SamplerSettings settings_;
  std::vector<float> sigmas_;  // size num_calls()+1, last is the final σ

  // The call grid of the two-stage samplers (DPM2, DPM++ SDE, DPM++ 2S a): a call at
  // midpoints[k], timestep midpoint_timesteps[k], between those at σ_k and σ_{k+1}, for every step
  // but the last (which takes one call, to the final σ): σ_0, m_0, σ_1, m_1, …, σ_{N−1}.
  void interleave_midpoints(const std::vector<float>& midpoints,
                            const std::vector<double>& midpoint_timesteps);

 private:
  void set_sigma_grid(GridTimesteps kind);
  void set_timestep_grid(bool round_timesteps);
};

// The Euler/Heun family of diffusers divides the latent by √(σ²+1) before the model sees it.
torch::Tensor scale_by_sigma(const torch::Tensor& x, float sigma);

// A VE σ seen as the VP pair (α_t, σ_t) = (1/√(σ²+1), σ/√(σ²+1)) and its log-SNR
// λ = log α − log σ (Lu et al. 2022, §2), in float32 like diffusers' multistep schedulers.
struct VpPoint {
  float alpha;
  float sigma;
  float lambda;
};
VpPoint vp_point(float ve_sigma);

// x̂0 from a model output on a VP latent, converted with the (α_t, σ_t) of the σ-grid like
// diffusers' multistep `convert_model_output` (the same as split_vp up to rounding).
torch::Tensor vp_x0(const torch::Tensor& x, const torch::Tensor& model_output, const VpPoint& p,
                    PredictionType type);

// An ancestral step σ_from → σ_to split into a deterministic part down to σ_down and fresh noise
// of σ_up, σ_down² + σ_up² = σ_to² (k-diffusion `get_ancestral_step`, η = 1).
struct AncestralSplit {
  float down;
  float up;
};
AncestralSplit ancestral_split(float sigma_from, float sigma_to);

}  // namespace emergence
