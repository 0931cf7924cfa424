#include "test_support.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>

#include "core/json_file.h"
#include "test_paths.h"

namespace emergence::test {

std::string data_path(const std::string& relative) { return test_data_dir() + "/" + relative; }

nlohmann::json read_case(const std::string& folder) {
  return read_json_file(data_path(folder + "/case.json"));
}

double max_scaled_error(const torch::Tensor& a, const torch::Tensor& reference) {
  const auto ref = reference.to(torch::kFloat64);
  const auto diff = (a.to(torch::kFloat64) - ref).abs() / ref.abs().clamp_min(1.0);
  return diff.max().item<double>();
}

double max_abs_error(const torch::Tensor& a, const torch::Tensor& reference) {
  return (a.to(torch::kFloat64) - reference.to(torch::kFloat64)).abs().max().item<double>();
}

ReadOnlyFolder::ReadOnlyFolder(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  fs::create_directories(path_);
  mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", MS_RDONLY, "size=64k") == 0;
  if (!mounted_) {
    fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read |
                               fs::perms::others_exec);
  }
  const std::string probe = path_ + "/probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  ready_ = fd < 0;
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
  }
}

ReadOnlyFolder::~ReadOnlyFolder() {
  if (mounted_) {
    ::umount(path_.c_str());
  }
  std::error_code ignored;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(path_, ignored);
}

NoiseSchedule sd_schedule() {
  TrainingScheduleConfig c;
  c.beta_schedule = BetaSchedule::ScaledLinear;
  c.beta_start = 0.00085;
  c.beta_end = 0.012;
  return NoiseSchedule(c);
}

NoiseSchedule cosine_schedule() {
  TrainingScheduleConfig c;
  c.beta_schedule = BetaSchedule::SquaredCosCapV2;
  return NoiseSchedule(c);
}

}  // namespace emergence::test
