#pragma once

#include <QWidget>
#include <memory>
#include <vector>

namespace emergence {
struct GenerationParams;
struct ModelInfo;
}  // namespace emergence

namespace emergence::ui {

// The model's noise schedule as σ (log scale) over the training timesteps (noise on the left, clean
// on the right), with the timesteps the chosen sampler, spacing and shift will visit marked on it.
// Redrawn as the controls move, before anything runs.
class SchedulePlot : public QWidget {
  Q_OBJECT

 public:
  explicit SchedulePlot(QWidget* parent = nullptr);
  ~SchedulePlot() override;

  // The training schedule comes from the model (defaults until one is loaded).
  void setModelInfo(std::shared_ptr<const ModelInfo> info);
  void setParams(const GenerationParams& params);
  // A run from a start image begins part-way (core/image_guide.h): the calls it skips are drawn
  // faint and its first call marked "start". 1 = from noise.
  void setStartStrength(double strength);
  // The index of the first model call a run makes (0 from noise).
  int firstCall() const { return first_call_; }

  // The marked model-call timesteps, in call order (for tests and tooltips).
  const std::vector<double>& markedTimesteps() const { return marked_timesteps_; }
  // The x pixel of a timestep in the plot area.
  double xOf(double timestep) const;

  QSize sizeHint() const override { return {260, 120}; }
  QSize minimumSizeHint() const override { return {160, 120}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void recompute();
  QFont labelFont() const;
  QRectF plotArea() const;
  double yOf(double log_sigma) const;

  std::shared_ptr<const ModelInfo> info_;
  std::unique_ptr<GenerationParams> params_;
  std::vector<double> curve_log_sigma_;  // ln σ_t for t = 0 … T-1
  std::vector<double> marked_timesteps_;
  std::vector<double> marked_log_sigma_;
  double strength_ = 1.0;
  int first_call_ = 0;
  double min_log_sigma_ = 0.0;
  double max_log_sigma_ = 1.0;
  QString error_;
};

}  // namespace emergence::ui
