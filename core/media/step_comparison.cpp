#include "step_comparison.h"

#include <chrono>
#include <sstream>

#include "core/error.h"
#include "core/generation.h"
#include "core/noise_schedule.h"
#include "core/sampler.h"

namespace emergence {
namespace {

GenerationParams params_for(const ComparisonPlan& plan, const std::string& sampler, int steps) {
  GenerationParams p = plan.base;
  p.sampler = sampler;
  p.steps = steps;
  if (!sampler_uses_eta(sampler)) {
    p.eta = 0.0;
  }
  return p;
}

ComparisonCell run_cell(DiffusionModel& model, const GenerationParams& params,
                        const std::atomic<bool>* cancel, bool& cancelled) {
  GenerationRequest request;
  request.params = params;
  request.cancel = cancel;
  const auto start = std::chrono::steady_clock::now();
  const SamplingResult run = generate(model, request);
  ComparisonCell cell;
  cell.sampler = params.sampler;
  cell.steps = params.steps;
  cell.calls = run.calls_done;
  cell.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cell.image = run.latent;
  cancelled = run.outcome != SamplingOutcome::Completed;
  return cell;
}

}  // namespace

std::vector<std::string> parse_name_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

std::vector<int> parse_step_list(const std::string& text) {
  std::vector<int> steps;
  for (const std::string& item : parse_name_list(text)) {
    size_t used = 0;
    int value = 0;
    try {
      value = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || value < 1) {
      throw Error("steps are a comma-separated list of step counts, e.g. 5,10,20 (got '" + item +
                  "')");
    }
    steps.push_back(value);
  }
  if (steps.empty()) {
    throw Error("steps need at least one step count, e.g. 5,10,20");
  }
  return steps;
}

void validate_comparison(const ModelInfo& model, const ComparisonPlan& plan) {
  validate_generation(model, params_for(plan, plan.reference_sampler, plan.reference_steps));
  for (const std::string& sampler : plan.samplers) {
    for (int steps : plan.steps) {
      validate_generation(model, params_for(plan, sampler, steps));
    }
  }
}

ComparisonResult run_comparison(DiffusionModel& model, const ComparisonPlan& plan,
                                const std::function<void(const ComparisonCell&, int, int)>& on_cell,
                                const std::atomic<bool>* cancel) {
  const int total = 1 + static_cast<int>(plan.samplers.size() * plan.steps.size());
  ComparisonResult result;
  result.reference = run_cell(model, params_for(plan, plan.reference_sampler, plan.reference_steps),
                              cancel, result.cancelled);
  if (result.cancelled) {
    return result;
  }
  const torch::Tensor& reference = result.reference.image;
  result.bands =
      distance_bands(static_cast<int>(reference.size(-2)), static_cast<int>(reference.size(-1)));
  result.reference.distance = image_distance(reference, reference);
  if (on_cell) {
    on_cell(result.reference, 1, total);
  }
  for (const std::string& sampler : plan.samplers) {
    for (int steps : plan.steps) {
      ComparisonCell cell =
          run_cell(model, params_for(plan, sampler, steps), cancel, result.cancelled);
      if (result.cancelled) {
        return result;
      }
      cell.distance = image_distance(cell.image, reference);
      result.cells.push_back(cell);
      if (on_cell) {
        on_cell(result.cells.back(), 1 + static_cast<int>(result.cells.size()), total);
      }
    }
  }
  return result;
}

int fewest_calls_within(const ComparisonResult& result, const std::string& sampler,
                        double max_rmse) {
  int fewest = -1;
  for (const ComparisonCell& cell : result.cells) {
    if (cell.sampler == sampler && cell.distance.rmse <= max_rmse &&
        (fewest < 0 || cell.calls < fewest)) {
      fewest = cell.calls;
    }
  }
  return fewest;
}

void write_comparison_csv(std::ostream& out, const ComparisonResult& result) {
  out.precision(6);
  out << "# reference: " << result.reference.sampler << ", " << result.reference.steps
      << " steps; distances are RMS differences of images in [0, 1]; band_k is the luminance "
         "difference between these frequencies (cycles/pixel):";
  for (size_t b = 0; b < result.bands.size(); ++b) {
    out << " band_" << b << " " << result.bands[b].low_frequency << "-"
        << result.bands[b].high_frequency;
  }
  out << "\nsampler,steps,calls,seconds,rmse";
  for (size_t b = 0; b < result.bands.size(); ++b) {
    out << ",band_" << b;
  }
  out << "\n";
  for (const ComparisonCell& cell : result.cells) {
    out << cell.sampler << ',' << cell.steps << ',' << cell.calls << ',' << cell.seconds << ','
        << cell.distance.rmse;
    for (double band : cell.distance.band_rmse) {
      out << ',' << band;
    }
    out << "\n";
  }
}

}  // namespace emergence
