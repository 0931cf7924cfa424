#pragma once

#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/noise_schedule.h"

namespace emergence::test {

std::string data_path(const std::string& relative);
nlohmann::json read_case(const std::string& folder);
// max over elements of |a−b| / max(1, |b|): the relative error the parity checks bound.
double max_scaled_error(const torch::Tensor& a, const torch::Tensor& reference);
double max_abs_error(const torch::Tensor& a, const torch::Tensor& reference);

// The training schedules of Stable Diffusion (scaled_linear, β 0.00085…0.012) and of the built-in
// model (squaredcos_cap_v2), T = 1000.
NoiseSchedule sd_schedule();
NoiseSchedule cosine_schedule();

// A new folder at path that takes no new files: a read-only tmpfs mount when running as root
// (whom chmod does not stop), else a mode 0555 folder. ready() is false where neither holds.
class ReadOnlyFolder {
 public:
  explicit ReadOnlyFolder(std::string path);
  ~ReadOnlyFolder();
  ReadOnlyFolder(const ReadOnlyFolder&) = delete;
  ReadOnlyFolder& operator=(const ReadOnlyFolder&) = delete;
  bool ready() const { return ready_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool mounted_ = false;
  bool ready_ = false;
};

}  // namespace emergence::test
