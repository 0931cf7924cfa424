#include "test_support.h"

#include "core/json_file.h"

namespace emergence::test {

std::string data_path(const std::string& relative) {
  return std::string(EMERGENCE_TEST_DATA_DIR) + "/" + relative;
}

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

}  // namespace emergence::test
