#pragma once

#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace emergence::test {

std::string data_path(const std::string& relative);
nlohmann::json read_case(const std::string& folder);
// max over elements of |a−b| / max(1, |b|): the relative error the parity checks bound.
double max_scaled_error(const torch::Tensor& a, const torch::Tensor& reference);
double max_abs_error(const torch::Tensor& a, const torch::Tensor& reference);

}  // namespace emergence::test
