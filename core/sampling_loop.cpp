#include "sampling_loop.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <sstream>

#include "cpu_threads.h"
#include "error.h"
#include "thread_chooser.h"

namespace emergence {
namespace {

// The latent in variance-preserving scale: a VE latent x0 + σε divided by √(σ²+1).
torch::Tensor to_vp(const Sampler& sampler, const torch::Tensor& x, double sigma) {
  if (!sampler.variance_exploding()) {
    return x;
  }
  return x / static_cast<float>(std::sqrt(sigma * sigma + 1.0));
}

torch::Tensor from_vp(const Sampler& sampler, const torch::Tensor& x_vp, double sigma) {
  if (!sampler.variance_exploding()) {
    return x_vp;
  }
  return x_vp * static_cast<float>(std::sqrt(sigma * sigma + 1.0));
}

// Gives libtorch back the thread count it had when the run started.
class RestoreThreads {
 public:
  RestoreThreads() : threads_(at::get_num_threads()) {}
  ~RestoreThreads() { at::set_num_threads(threads_); }

 private:
  int threads_;
};

}  // namespace

SamplingResult run_sampling(Sampler& sampler, const DenoiseFn& denoise,
                            const SamplingRequest& request) {
  c10::InferenceMode inference;
  if (!request.initial_noise.defined() || request.initial_noise.dim() != 4) {
    throw Error("initial noise must be a [batch, channels, height, width] tensor");
  }
  if (sampler.stochastic() && request.noise == nullptr) {
    throw Error("sampler '" + sampler.name() + "' is stochastic and needs a noise source");
  }
  NoiseSource* noise = request.noise;
  SeededNoise unused_noise(0);
  if (noise == nullptr) {
    noise = &unused_noise;
  }

  const ImageGuide& guide = request.guide;
  const torch::Tensor eps = request.initial_noise.to(torch::kFloat32);
  validate_guide(guide, eps);
  const int total = sampler.num_calls();
  const bool restart = request.start.latent.defined();
  const int first = restart          ? request.start.call
                    : guide.active() ? first_call_for_strength(sampler, guide.strength)
                                     : 0;
  if (first < 0 || first > total) {  // first == total: a strength too small to run a step
    throw Error("a run cannot start at call " + std::to_string(first) + " of " +
                std::to_string(total));
  }
  // Frame f follows call first + f − frame0.
  const int frame0 = restart ? request.start.frame : 0;
  const int frame_total = frame0 + total - first;
  const auto& sigmas = sampler.state_sigmas();
  const torch::Tensor image = guide.active() ? guide.image.to(torch::kFloat32) : torch::Tensor();
  torch::Tensor x;
  if (restart) {
    x = from_vp(sampler, request.start.latent.to(torch::kFloat32), sigmas[first]);
  } else if (first == 0) {
    // Strength 1 starts from the noise alone, exactly as a run without an image.
    x = eps * static_cast<float>(sampler.init_noise_sigma());
  } else {
    x = noised_to(sampler, image, eps, sigmas[first]);
  }
  torch::Tensor x_vp = to_vp(sampler, x, sigmas[first]);

  if (request.observer != nullptr && !restart) {
    StepFrame frame;
    frame.index = 0;
    frame.total = frame_total;
    frame.timestep = sampler.timesteps()[std::min(first, total - 1)];
    frame.sigma = sigmas[first];
    frame.x_t = x_vp;
    frame.x0 = torch::zeros_like(x);
    frame.eps = first == 0 ? x_vp : eps;
    frame.delta = torch::zeros_like(x);
    request.observer->on_frame(frame);
  }

  const RestoreThreads restore;
  std::optional<ThreadChooser> own_threads;
  if (request.threads == nullptr) {
    own_threads = ThreadChooser::for_this_process();
  }
  ThreadChooser& threads = request.threads != nullptr ? *request.threads : *own_threads;
  SamplingResult result;
  Conditioning conditioning = request.conditioning;
  auto continuation = request.continuations.begin();
  for (int i = first; i < total; ++i) {
    const int frame_now = frame0 + i - first;
    if (request.last_frame >= 0 && frame_now >= request.last_frame) {
      break;
    }
    if (request.cancel != nullptr && request.cancel->load(std::memory_order_relaxed)) {
      result.outcome = SamplingOutcome::Cancelled;
      break;
    }
    for (; continuation != request.continuations.end() && continuation->at_frame <= frame_now;
         ++continuation) {
      conditioning = continuation->conditioning;
      if (continuation->noise != nullptr) {
        noise = continuation->noise;
      }
    }
    const double t = sampler.timesteps()[i];
    const torch::Tensor model_input = sampler.scale_model_input(x, i);
    if (at::get_num_threads() != threads.next()) {
      at::set_num_threads(threads.next());
    }
    const auto start = std::chrono::steady_clock::now();
    const torch::Tensor output = denoise(model_input, t, conditioning);
    threads.record(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!output.defined() || output.sizes() != x.sizes()) {
      throw Error("the model returned a tensor of the wrong shape at step " +
                  std::to_string(i + 1));
    }
    if (!torch::isfinite(output).all().item<bool>()) {
      std::ostringstream m;
      m << "the model output became NaN or infinite at step " << i + 1 << " of " << total
        << " (timestep " << t << ")";
      throw Error(m.str());
    }
    StepResult r = sampler.step(output, i, x, *noise);
    x = r.prev_sample;
    if (guide.mask.defined()) {
      // After the last call the kept part is the image itself, whatever σ the sampler ends at.
      const double kept_sigma = i + 1 == total ? 0.0 : sigmas[i + 1];
      x = keep_unmasked(x, noised_to(sampler, image, eps, kept_sigma), guide.mask);
    }
    result.calls_done = i + 1 - first;
    if (request.observer != nullptr) {
      torch::Tensor next_vp = to_vp(sampler, x, sigmas[i + 1]);
      StepFrame frame;
      frame.index = frame_now + 1;
      frame.total = frame_total;
      frame.timestep = t;
      frame.sigma = sigmas[i + 1];
      frame.x_t = next_vp;
      frame.x0 = r.pred_x0;
      frame.eps = r.pred_eps;
      frame.delta = next_vp - x_vp;
      request.observer->on_frame(frame);
      x_vp = next_vp;
    }
  }
  result.latent = x;
  return result;
}

}  // namespace emergence
