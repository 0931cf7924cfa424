#include "timestep_spacing.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "error.h"

namespace emergence {
namespace {

std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> v(n);
  if (n == 1) {
    v[0] = a;
    return v;
  }
  // numpy.linspace: a + i·step, with the end point set exactly.
  const double step = (b - a) / (n - 1);
  for (int i = 0; i < n; ++i) {
    v[i] = a + i * step;
  }
  v[n - 1] = b;
  return v;
}

std::vector<double> karras_timesteps(const NoiseSchedule& schedule, int n, double rho) {
  std::vector<double> ts;
  for (double sigma : karras_sigmas(schedule, n, rho)) {
    ts.push_back(schedule.timestep_of_sigma(sigma));
  }
  return ts;
}

}  // namespace

// Karras et al. 2022, eq. 5: σ_i = (σ_max^(1/ρ) + i/(N-1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ.
std::vector<double> karras_sigmas(const NoiseSchedule& schedule, int n, double rho) {
  const double sigma_min = schedule.sigma(0);
  const double sigma_max = schedule.sigma(schedule.num_train_timesteps() - 1);
  const double min_inv = std::pow(sigma_min, 1.0 / rho);
  const double max_inv = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> sigmas;
  for (double ramp : linspace(0.0, 1.0, n)) {
    sigmas.push_back(std::pow(max_inv + ramp * (min_inv - max_inv), rho));
  }
  return sigmas;
}

Spacing parse_spacing(const std::string& name) {
  if (name == "leading") {
    return Spacing::Leading;
  }
  if (name == "linspace") {
    return Spacing::Linspace;
  }
  if (name == "trailing") {
    return Spacing::Trailing;
  }
  if (name == "karras") {
    return Spacing::Karras;
  }
  throw Error("unknown timestep spacing '" + name +
              "' (expected leading, linspace, trailing or karras)");
}

std::string to_string(Spacing spacing) {
  switch (spacing) {
    case Spacing::Leading:
      return "leading";
    case Spacing::Linspace:
      return "linspace";
    case Spacing::Trailing:
      return "trailing";
    case Spacing::Karras:
      return "karras";
  }
  return "leading";
}

std::vector<std::string> spacing_names() { return {"leading", "linspace", "trailing", "karras"}; }

double shift_time(double u, double shift) {
  if (shift == 1.0) {
    return u;
  }
  return shift * u / (1.0 + (shift - 1.0) * u);
}

void validate_selection(const StepSelection& selection, int steps, int T) {
  if (steps < 1 || steps > T) {
    throw Error("steps must be in [1, " + std::to_string(T) + "] (got " + std::to_string(steps) +
                ")");
  }
  if (!(selection.shift >= kMinShift && selection.shift <= kMaxShift)) {
    std::ostringstream s;
    s << "shift must be in [" << kMinShift << ", " << kMaxShift << "] (got " << selection.shift
      << ")";
    throw Error(s.str());
  }
  if (!(selection.karras_rho >= 0.5 && selection.karras_rho <= 20.0)) {
    std::ostringstream s;
    s << "karras rho must be in [0.5, 20] (got " << selection.karras_rho << ")";
    throw Error(s.str());
  }
  if (selection.steps_offset < 0 || selection.steps_offset >= T) {
    throw Error("steps_offset must be in [0, " + std::to_string(T - 1) + "] (got " +
                std::to_string(selection.steps_offset) + ")");
  }
}

std::vector<double> select_timesteps(const NoiseSchedule& schedule, const StepSelection& sel,
                                     int steps, bool extra_point) {
  const int T = schedule.num_train_timesteps();
  validate_selection(sel, steps, T);
  // DPMSolverMultistep spaces N+1 points for linspace/leading and drops the last one.
  const bool extra =
      extra_point && (sel.spacing == Spacing::Linspace || sel.spacing == Spacing::Leading);
  const int n = extra ? steps + 1 : steps;
  std::vector<double> ts;
  switch (sel.spacing) {
    case Spacing::Linspace:  // np.linspace(0, T-1, n)[::-1]
      ts = linspace(0.0, T - 1.0, n);
      std::reverse(ts.begin(), ts.end());
      break;
    case Spacing::Leading: {  // arange(0, n)·(T // n), reversed, + steps_offset
      const int ratio = T / n;
      for (int i = n - 1; i >= 0; --i) {
        ts.push_back(static_cast<double>(i) * ratio + sel.steps_offset);
      }
      break;
    }
    case Spacing::Trailing: {  // round(arange(T, 0, -T/n)) - 1
      const double ratio = static_cast<double>(T) / n;
      for (int i = 0; i < n; ++i) {
        ts.push_back(std::nearbyint(T - i * ratio) - 1.0);
      }
      break;
    }
    case Spacing::Karras:
      ts = karras_timesteps(schedule, n, sel.karras_rho);
      break;
  }
  if (extra) {
    ts.pop_back();
  }
  for (double& t : ts) {
    t = std::clamp(t, 0.0, T - 1.0);
  }
  if (sel.shift != 1.0) {
    for (double& t : ts) {
      t = (T - 1.0) * shift_time(t / (T - 1.0), sel.shift);
    }
  }
  return ts;
}

std::vector<int> integer_timesteps(const std::vector<double>& timesteps, int T) {
  const int n = static_cast<int>(timesteps.size());
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i) {
    // Step i must leave room for the n-1-i steps after it and the i steps before it.
    const int lo = n - 1 - i;
    const int hi = T - 1 - i;
    int t = static_cast<int>(std::nearbyint(timesteps[i]));  // half to even, like numpy
    if (i > 0) {
      t = std::min(t, out[i - 1] - 1);
    }
    out[i] = std::clamp(t, lo, hi);
  }
  return out;
}

}  // namespace emergence
