#include "core/media/fan_out.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "core/branching.h"
#include "core/error.h"
#include "core/media/image_distance.h"
#include "core/noise_schedule.h"
#include "core/thread_chooser.h"

namespace emergence {
namespace {

constexpr int kMaxBranches = 1024;

// Keeps x_t and σ of the frames a fan-out branches at.
class BranchPoints : public SamplingObserver {
 public:
  explicit BranchPoints(const std::vector<int>& steps) {
    for (int step : steps) {
      latents_[step] = torch::Tensor();
    }
  }
  void on_frame(const StepFrame& frame) override {
    const auto it = latents_.find(frame.index);
    if (it != latents_.end()) {
      it->second = frame.x_t;
      sigmas_[frame.index] = frame.sigma;
    }
  }
  const torch::Tensor& latent(int step) const { return latents_.at(step); }
  double sigma(int step) const { return sigmas_.at(step); }

 private:
  std::map<int, torch::Tensor> latents_;
  std::map<int, double> sigmas_;
};

std::string branch_sampler(const ModelInfo& model, const GenerationParams& parent,
                           const FanOutSettings& settings) {
  if (!settings.sampler.empty()) {
    return settings.sampler;
  }
  const NoiseSchedule schedule(model.scheduler.training);
  return make_sampler(schedule, sampler_settings_for(model, parent))->stochastic() ? parent.sampler
                                                                                   : "ddpm";
}

GenerationParams branch_params(const ModelInfo& model, const GenerationParams& parent,
                               const FanOutSettings& settings, int step, int branch) {
  GenerationParams p = branch_of(parent, step);
  p.sampler = branch_sampler(model, parent, settings);
  p.seed = settings.first_seed + static_cast<uint64_t>(branch);
  return p;
}

SpreadPoint spread_of(const std::vector<torch::Tensor>& finals, int step, double sigma) {
  const torch::Tensor images = torch::cat(finals).clamp(-1.0, 1.0);
  const torch::Tensor mean = images.mean(0, /*keepdim=*/true);
  SpreadPoint point;
  point.step = step;
  point.sigma = sigma;
  point.pixel_std = (images / 2 + 0.5).std(0, /*unbiased=*/false).mean().item<double>();
  for (int64_t b = 0; b < images.size(0); ++b) {
    const ImageDistance d = image_distance(images[b], mean[0]);
    point.band_std.resize(d.band_rmse.size(), 0.0);
    for (size_t i = 0; i < d.band_rmse.size(); ++i) {
      point.band_std[i] += d.band_rmse[i] * d.band_rmse[i];
    }
  }
  for (double& v : point.band_std) {
    v = std::sqrt(v / static_cast<double>(images.size(0)));
  }
  return point;
}

}  // namespace

std::vector<int> spread_steps(const ModelInfo& model, const GenerationParams& parent,
                              const FanOutSettings& settings) {
  const RunShape shape = shape_of_run(model, parent);
  // Branches at the last step all end alike: no sampler adds noise on its way to σ 0.
  const int last = std::max(settings.at_step, shape.total_frames - 2);
  std::vector<int> steps;
  const int points = std::max(1, settings.spread_points);
  for (int i = 0; i < points; ++i) {
    int step = points == 1
                   ? settings.at_step
                   : settings.at_step + static_cast<int>(std::lround(
                                            double(i) * (last - settings.at_step) / (points - 1)));
    while (step > settings.at_step && !shape.at_step_boundary(step)) {
      --step;
    }
    if (steps.empty() || step != steps.back()) {
      steps.push_back(step);
    }
  }
  return steps;
}

void validate_fan_out(const ModelInfo& model, const GenerationParams& parent,
                      const FanOutSettings& settings) {
  if (settings.branches < 2 || settings.branches > kMaxBranches) {
    throw Error("a fan-out needs 2 to " + std::to_string(kMaxBranches) + " branches (got " +
                std::to_string(settings.branches) + ")");
  }
  if (settings.spread_points < 1 || settings.spread_points > 100) {
    throw Error("spread points must be in [1, 100] (got " + std::to_string(settings.spread_points) +
                ")");
  }
  validate_generation(model, parent);
  // The first and the last branch stand for all: the others differ only in the seed.
  for (const int step : spread_steps(model, parent, settings)) {
    validate_generation(model, branch_params(model, parent, settings, step, 0));
  }
}

std::string spread_csv(const std::vector<SpectralBand>& bands,
                       const std::vector<SpreadPoint>& spread) {
  std::ostringstream csv;
  csv << "# emergence fan-out spread v1: the disagreement of the final images of branches taken "
         "at each step, in display units [0, 1]\n";
  csv << "step,sigma,pixel_std";
  for (const SpectralBand& band : bands) {
    csv << ",band_" << band.low_frequency << "_" << band.high_frequency;
  }
  csv << "\n";
  for (const SpreadPoint& p : spread) {
    csv << p.step << "," << p.sigma << "," << p.pixel_std;
    for (double v : p.band_std) {
      csv << "," << v;
    }
    csv << "\n";
  }
  return csv.str();
}

FanOutResult fan_out(DiffusionModel& model, const GenerationRequest& parent,
                     const FanOutSettings& settings, FanOutObserver* observer) {
  const ModelInfo& info = model.info();
  validate_fan_out(info, parent.params, settings);
  const std::vector<int> steps = spread_steps(info, parent.params, settings);
  BranchPoints points(steps);
  // One chooser for every branch, so each short run does not time thread counts again.
  std::optional<ThreadChooser> own_threads;
  if (parent.threads == nullptr) {
    own_threads = ThreadChooser::for_this_process();
  }
  ThreadChooser* threads = parent.threads != nullptr ? parent.threads : &*own_threads;
  GenerationRequest parent_run = parent;
  parent_run.threads = threads;
  parent_run.observer = &points;
  FanOutResult result;
  const auto cancelled = [&parent] {
    return parent.cancel != nullptr && parent.cancel->load(std::memory_order_relaxed);
  };
  if (generate(model, parent_run).outcome == SamplingOutcome::Cancelled) {
    result.cancelled = true;
    return result;
  }
  result.bands = distance_bands(info.height, info.width);
  for (size_t point = 0; point < steps.size(); ++point) {
    std::vector<torch::Tensor> finals;
    for (int b = 0; b < settings.branches; ++b) {
      GenerationRequest branch;
      branch.params = branch_params(info, parent.params, settings, steps[point], b);
      branch.init_image = parent.init_image;
      branch.initial_noise = parent.initial_noise;
      branch.branch_latent = points.latent(steps[point]);
      branch.cancel = parent.cancel;
      branch.threads = threads;
      const SamplingResult run = generate(model, branch);
      if (run.outcome == SamplingOutcome::Cancelled || cancelled()) {
        result.cancelled = true;
        return result;
      }
      finals.push_back(run.latent);
      if (point == 0) {
        result.branch_params.push_back(branch.params);
        result.finals.push_back(run.latent);
      }
      if (observer != nullptr) {
        observer->on_branch(static_cast<int>(point), b, branch.params, run.latent);
      }
    }
    result.spread.push_back(spread_of(finals, steps[point], points.sigma(steps[point])));
    if (observer != nullptr) {
      observer->on_spread(result.spread.back());
    }
  }
  return result;
}

}  // namespace emergence
