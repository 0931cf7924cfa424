#include "linspace.h"

namespace emergence {

std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> v(n > 0 ? n : 0);
  const double step = n > 1 ? (b - a) / (n - 1) : 0.0;
  for (int i = 0; i < n; ++i) {
    v[i] = a + i * step;
  }
  if (n > 1) {
    v[n - 1] = b;
  }
  return v;
}

}  // namespace emergence
