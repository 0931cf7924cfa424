#include "model_evaluation.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/media/spectrum.h"
#include "core/training/sample_metrics.h"

namespace emergence {
namespace {

// Mean luminance RAPSD of a [N, C, H, W] set (core/media/spectrum.h's normalisation).
std::vector<double> mean_rapsd(const torch::Tensor& images) {
  const torch::Tensor data = images.contiguous().to(torch::kFloat32);
  const int c = static_cast<int>(data.size(1)), h = static_cast<int>(data.size(2)),
            w = static_cast<int>(data.size(3));
  std::vector<double> sum;
  for (int64_t i = 0; i < data.size(0); ++i) {
    const torch::Tensor image = data[i].contiguous();
    const auto r = rapsd(spectrum_plane(image.data_ptr<float>(), c, h, w, kLuminance));
    sum.resize(r.size(), 0.0);
    for (size_t k = 0; k < r.size(); ++k) {
      sum[k] += r[k] / static_cast<double>(data.size(0));
    }
  }
  return sum;
}

double band_power(const std::vector<double>& rapsd, const SpectralBand& band) {
  double sum = 0;
  for (int r = band.first_radius; r <= band.last_radius; ++r) {
    sum += rapsd[r - 1];
  }
  return sum / (band.last_radius - band.first_radius + 1);
}

// The group a class sits under: its listed group, or the class itself when there are none.
std::string group_of(const std::vector<std::string>& names, const std::vector<std::string>& groups,
                     int64_t c) {
  return groups.empty() ? names[c] : groups[c];
}

}  // namespace

void measure_agreement(const std::vector<int64_t>& requested, const std::vector<int64_t>& nearest,
                       const ModelInfo& model, const TrainingData& data, ModelEvaluation& out) {
  const bool same_classes = model.class_names == data.class_names;
  int class_hits = 0, group_hits = 0;
  out.per_class.assign(model.class_names.size(), {});
  for (size_t c = 0; c < model.class_names.size(); ++c) {
    out.per_class[c].name = model.class_names[c];
  }
  for (size_t i = 0; i < requested.size(); ++i) {
    const int64_t asked = requested[i], seen = nearest[i];
    ModelEvaluation::PerClass& row = out.per_class[asked];
    ++row.requested;
    const bool class_hit = same_classes && asked == seen;
    const bool group_hit = group_of(model.class_names, model.class_groups, asked) ==
                           group_of(data.class_names, data.class_groups, seen);
    row.agreeing_class += class_hit;
    row.agreeing_group += group_hit;
    class_hits += class_hit;
    group_hits += group_hit;
  }
  const double n = static_cast<double>(requested.size());
  out.class_agreement = same_classes ? class_hits / n : -1;
  out.group_agreement = group_hits / n;
}

std::vector<std::string> band_labels(int size) {
  std::vector<std::string> labels;
  for (const SpectralBand& band : log_spaced_bands(size)) {
    char range[32];
    std::snprintf(range, sizeof range, "%.3f–%.3f", band.low_frequency, band.high_frequency);
    labels.push_back(range);
  }
  return labels;
}

ModelEvaluation evaluate_model(DiffusionModel& model, const TrainingData& data,
                               const EvaluationSettings& settings) {
  const ModelInfo& info = model.info();
  const int classes = static_cast<int>(info.class_names.size());
  std::vector<SampleRequest> requests;
  for (int i = 0; i < settings.samples; ++i) {
    requests.push_back({classes > 0 ? i % classes : -1, settings.seed + static_cast<uint64_t>(i)});
  }
  ModelEvaluation out;
  out.model = info.name;
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor samples = draw_samples(model, requests, settings.sampling);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const PrecisionRecall pr = precision_recall(data.images, samples, settings.k);
  out.precision = pr.precision;
  out.recall = pr.recall;
  out.memorization = memorization_rate(data.images, samples);
  const auto data_rapsd = mean_rapsd(data.images);
  const auto sample_rapsd = mean_rapsd(samples);
  for (const SpectralBand& band : log_spaced_bands(info.height)) {
    out.band_error_db.push_back(10.0 * std::log10(band_power(sample_rapsd, band)) -
                                10.0 * std::log10(band_power(data_rapsd, band)));
  }
  if (classes == 0 || !data.conditional()) {
    return out;
  }
  // Each sample's class and group as its nearest training image sees them.
  const Neighbours nn = nearest_neighbours(data.images, samples, 1);
  const torch::Tensor nearest = data.labels.index_select(0, nn.indices.select(1, 0)).contiguous();
  std::vector<int64_t> asked;
  for (const SampleRequest& request : requests) {
    asked.push_back(request.class_label);
  }
  measure_agreement(asked,
                    std::vector<int64_t>(nearest.data_ptr<int64_t>(),
                                         nearest.data_ptr<int64_t>() + nearest.numel()),
                    info, data, out);
  return out;
}

}  // namespace emergence
