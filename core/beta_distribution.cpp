#include "beta_distribution.h"

#include <cmath>
#include <limits>

namespace emergence {
namespace {

// log of x^a (1-x)^b / (a B(a, b)), the factor in front of the continued fraction.
double log_front(double x, double a, double b) {
  return std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
         b * std::log1p(-x) - std::log(a);
}

// The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8), by the modified Lentz
// method; it converges fast for x < (a+1)/(a+b+2).
double continued_fraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  d = 1.0 / (std::abs(d) < kTiny ? kTiny : d);
  double h = d;
  // One Lentz update with the next coefficient; true once the fraction has converged.
  const auto add = [&](double term) {
    d = 1.0 + term * d;
    d = 1.0 / (std::abs(d) < kTiny ? kTiny : d);
    c = 1.0 + term / c;
    c = std::abs(c) < kTiny ? kTiny : c;
    h *= d * c;
    return std::abs(d * c - 1.0) < kEps;
  };
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    add(m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)));
    if (add(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)))) {
      break;
    }
  }
  return h;
}

// x with I_x(a, b) = p for p ≤ 1/2: Newton's method on the CDF inside a bisection bracket.
double lower_quantile(double p, double a, double b) {
  double lo = 0.0;
  double hi = 1.0;
  double x = 0.5;
  for (int i = 0; i < 400; ++i) {
    const double f = beta_cdf(x, a, b) - p;
    if (f == 0.0) {
      return x;
    }
    (f < 0 ? lo : hi) = x;
    const double density = std::exp(log_front(x, a, b) + std::log(a) - std::log(x) -
                                    std::log1p(-x));  // x^(a-1) (1-x)^(b-1) / B(a, b)
    double next = x - f / density;
    if (!(next > lo && next < hi)) {
      next = 0.5 * (lo + hi);
      if (lo == 0.0 && hi < 1e-3) {
        next = hi * 1e-3;  // tails: narrow the bracket geometrically, not by halves
      }
    }
    if (std::abs(next - x) <= 4 * std::numeric_limits<double>::epsilon() * x) {
      return next;
    }
    x = next;
  }
  return x;
}

}  // namespace

double beta_cdf(double x, double a, double b) {
  if (x <= 0.0) {
    return 0.0;
  }
  if (x >= 1.0) {
    return 1.0;
  }
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return std::exp(log_front(x, a, b)) * continued_fraction(x, a, b);
  }
  return 1.0 - std::exp(log_front(1.0 - x, b, a)) * continued_fraction(1.0 - x, b, a);
}

double beta_quantile(double p, double a, double b) {
  if (!(p > 0.0)) {
    return 0.0;
  }
  if (p >= 1.0) {
    return 1.0;
  }
  if (p == 0.5 && a == b) {
    return 0.5;  // exactly, by symmetry: the CDF's own rounding would leave it an ulp off
  }
  // The upper half through I_x(a, b) = 1 − I_{1−x}(b, a), so that 1 − p loses no digits.
  if (p > 0.5) {
    return 1.0 - lower_quantile(1.0 - p, b, a);
  }
  return lower_quantile(p, a, b);
}

}  // namespace emergence
