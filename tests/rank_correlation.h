#pragma once

#include <vector>

namespace emergence::test {

// Spearman's ρ: Pearson correlation of the ranks (ties share their mean rank).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace emergence::test
