#pragma once

#include <vector>

namespace emergence {

// numpy.linspace(a, b, n): a + i·(b − a)/(n − 1) for i in [0, n), the end point set exactly;
// {a} when n is 1, empty when n is 0.
std::vector<double> linspace(double a, double b, int n);

}  // namespace emergence
