#pragma once

namespace emergence {

// I_x(a, b), the regularised incomplete beta function: the CDF of the Beta(a, b) distribution.
double beta_cdf(double x, double a, double b);

// The inverse of beta_cdf in x (scipy.stats.beta.ppf), to about machine precision.
double beta_quantile(double p, double a, double b);

}  // namespace emergence
