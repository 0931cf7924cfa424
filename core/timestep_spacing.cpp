#include "timestep_spacing.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "error.h"
#include "linspace.h"

namespace emergence {
namespace {

struct ScheduleRow {
  Spacing spacing;
  const char* name;   // ours: sidecars, --schedule and the GUI use it
  bool sigmas;        // defines_sigmas()
  const char* a1111;  // A1111's "Schedule type" label (modules/sd_schedulers.py), if it has one
};

// In the GUI's order: diffusers' spacings, then the σ schedules, then ComfyUI's index ones.
constexpr ScheduleRow kSchedules[] = {
    {Spacing::Leading, "leading", false, nullptr},               // diffusers timestep_spacing
    {Spacing::Linspace, "linspace", false, nullptr},             // diffusers timestep_spacing
    {Spacing::Trailing, "trailing", false, nullptr},             // diffusers timestep_spacing
    {Spacing::Karras, "karras", true, "Karras"},                 // diffusers use_karras_sigmas
    {Spacing::Exponential, "exponential", true, "Exponential"},  // diffusers use_exponential_sigmas
    {Spacing::Beta, "beta", true, "Beta"},                       // diffusers use_beta_sigmas
    {Spacing::KlOptimal, "kl_optimal", true, "KL Optimal"},      // ComfyUI, A1111
    {Spacing::AlignYourSteps, "ays", true,
     "Align Your Steps"},                         // diffusers AysSchedules, A1111, ComfyUI
    {Spacing::Normal, "normal", true, "Normal"},  // ComfyUI, A1111
    {Spacing::SgmUniform, "sgm_uniform", true, "SGM Uniform"},  // ComfyUI, A1111
    {Spacing::Simple, "simple", false, "Simple"},               // ComfyUI, A1111
    {Spacing::DdimUniform, "ddim_uniform", false, "DDIM"},      // ComfyUI, A1111
};

struct Spelling {
  const char* spelling;
  Spacing spacing;
};

// Other apps' names for the same schedules. Names match in any letter case, so A1111's labels
// that are ours capitalised ("Karras", "Exponential", "Beta", "Simple", "Normal") and ComfyUI's
// names that are ours (karras, exponential, beta, simple, normal, sgm_uniform, ddim_uniform,
// kl_optimal) need no row. ComfyUI's beta spaces the timesteps by the Beta quantiles, rounded to
// training steps and without repeats; ours is diffusers' and A1111's, which spaces σ by them.
constexpr Spelling kSpellings[] = {
    {"SGM Uniform", Spacing::SgmUniform},           // A1111 label
    {"SGMUniform", Spacing::SgmUniform},            // A1111 alias
    {"KL Optimal", Spacing::KlOptimal},             // A1111 label
    {"Align Your Steps", Spacing::AlignYourSteps},  // A1111 label
    {"align_your_steps", Spacing::AlignYourSteps},  // A1111 name, ComfyUI's AYS node, Krita
    {"DDIM", Spacing::DdimUniform},                 // A1111 label and name (ComfyUI's formula)
    {"Uniform", Spacing::Normal},                   // A1111: the model's own get_sigmas(n)
};

bool same_name(const std::string& a, const char* b) {
  const std::string other(b);
  return a.size() == other.size() &&
         std::equal(a.begin(), a.end(), other.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const ScheduleRow& row_of(Spacing spacing) {
  for (const ScheduleRow& row : kSchedules) {
    if (row.spacing == spacing) {
      return row;
    }
  }
  return kSchedules[0];
}

// ComfyUI samplers.py ddim_scheduler: t = 1, 1 + T//N, 1 + 2·(T//N), … below T, descending.
// That is N steps only where T mod N ≤ 1; elsewhere it is more, so the run would not be N steps.
std::vector<double> ddim_uniform_timesteps(int T, int steps) {
  const int stride = std::max(T / steps, 1);
  std::vector<double> ts;
  for (int t = 1; t < T; t += stride) {
    ts.insert(ts.begin(), t);
  }
  if (static_cast<int>(ts.size()) == steps) {
    return ts;
  }
  const auto fits = [T](int n) { return T % n <= 1; };
  std::vector<int> nearest;
  for (int n = steps - 1; n >= 1; --n) {
    if (fits(n)) {
      nearest.push_back(n);
      break;
    }
  }
  for (int n = steps + 1; n <= T; ++n) {
    if (fits(n)) {
      nearest.push_back(n);
      break;
    }
  }
  std::ostringstream m;
  m << "ddim_uniform steps from t = 1 in strides of " << T << " // " << steps << " = " << stride
    << ", which makes " << ts.size() << " steps, not " << steps << ": it makes N steps only where "
    << T << " mod N is 0 or 1 (here " << nearest.front();
  if (nearest.size() > 1) {
    m << " or " << nearest.back();
  }
  m << " steps); leading spacing takes any step count";
  throw Error(m.str());
}

}  // namespace

std::optional<Spacing> find_spacing(const std::string& name) {
  for (const ScheduleRow& row : kSchedules) {
    if (same_name(name, row.name)) {
      return row.spacing;
    }
  }
  for (const Spelling& s : kSpellings) {
    if (same_name(name, s.spelling)) {
      return s.spacing;
    }
  }
  return std::nullopt;
}

Spacing parse_spacing(const std::string& name) {
  if (const std::optional<Spacing> spacing = find_spacing(name)) {
    return *spacing;
  }
  std::string known;
  for (const ScheduleRow& row : kSchedules) {
    known += (known.empty() ? "" : ", ") + std::string(row.name);
  }
  throw Error("unknown schedule '" + name + "' (known: " + known +
              "; A1111's and ComfyUI's names for them are accepted too)");
}

std::string to_string(Spacing spacing) { return row_of(spacing).name; }

std::string a1111_label(Spacing spacing) {
  const ScheduleRow& row = row_of(spacing);
  return row.a1111 != nullptr ? row.a1111 : row.name;
}

std::vector<std::string> spacing_names() {
  std::vector<std::string> names;
  for (const ScheduleRow& row : kSchedules) {
    names.push_back(row.name);
  }
  return names;
}

std::vector<std::pair<std::string, std::string>> spacing_spellings() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Spelling& s : kSpellings) {
    rows.emplace_back(s.spelling, to_string(s.spacing));
  }
  return rows;
}

bool is_diffusers_spacing(Spacing spacing) {
  return spacing == Spacing::Leading || spacing == Spacing::Linspace ||
         spacing == Spacing::Trailing;
}

bool defines_sigmas(Spacing spacing) { return row_of(spacing).sigmas; }

std::vector<double> schedule_sigmas(const NoiseSchedule& schedule, const StepSelection& sel,
                                    int steps) {
  validate_selection(sel, steps, schedule.num_train_timesteps());
  switch (sel.spacing) {
    case Spacing::Karras:
      return karras_sigmas(schedule, steps, sel.karras_rho);
    case Spacing::Exponential:
      return exponential_sigmas(schedule, steps);
    case Spacing::Beta:
      return beta_sigmas(schedule, steps, kBetaScheduleAlpha, kBetaScheduleBeta);
    case Spacing::KlOptimal:
      return kl_optimal_sigmas(schedule, steps);
    case Spacing::AlignYourSteps:
      return align_your_steps_sigmas(steps);
    case Spacing::Normal:
      return time_uniform_sigmas(schedule, steps, true);
    case Spacing::SgmUniform:
      return time_uniform_sigmas(schedule, steps, false);
    default:
      throw Error(to_string(sel.spacing) + " spacing is a list of timesteps, not of σ");
  }
}

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
    case Spacing::Simple: {  // ComfyUI simple_scheduler: sigmas[-(1 + int(x·T/N))]
      const double ratio = static_cast<double>(T) / n;
      for (int x = 0; x < n; ++x) {
        ts.push_back(T - 1.0 - std::floor(x * ratio));
      }
      break;
    }
    case Spacing::DdimUniform:
      ts = ddim_uniform_timesteps(T, n);
      break;
    default:  // the timesteps of the schedule's own σ (diffusers _sigma_to_t)
      for (double sigma : schedule_sigmas(schedule, sel, n)) {
        ts.push_back(schedule.timestep_of_sigma(sigma));
      }
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
