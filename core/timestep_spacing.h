#pragma once

#include <string>
#include <vector>

#include "noise_schedule.h"

namespace emergence {

// How the sampling steps are picked from the training steps (diffusers' `timestep_spacing`),
// or Karras et al. 2022's σ spacing.
enum class Spacing { Leading, Linspace, Trailing, Karras };

Spacing parse_spacing(const std::string& name);
std::string to_string(Spacing spacing);
std::vector<std::string> spacing_names();

struct StepSelection {
  Spacing spacing = Spacing::Leading;
  int steps_offset = 0;     // added to "leading" timesteps (diffusers `steps_offset`)
  double karras_rho = 7.0;  // ρ of Karras et al. 2022, eq. 5
  // The schedule slider. In normalised time u = t/(T-1) ∈ [0,1] (1 = pure noise) a step moves to
  // u' = s·u / (1 + (s-1)·u) (the SD3 time shift, Esser et al. 2024, eq. 23): s > 1 crowds the
  // steps towards high noise, s < 1 towards fine detail, s = 1 leaves them unchanged.
  double shift = 1.0;
};

// The accepted range of StepSelection::shift, shared by the CLI, the GUI slider and validation.
// Its geometric middle is 1 (no shift), so a logarithmic slider has "unchanged" at its centre.
constexpr double kMinShift = 0.05;
constexpr double kMaxShift = 20.0;

// The shift of StepSelection::shift applied to one normalised time u ∈ [0,1].
double shift_time(double u, double shift);

// Checks steps, shift, ρ and offset, throwing an Error that names the parameter and its range.
void validate_selection(const StepSelection& selection, int steps, int num_train_timesteps);

// The N σ of Karras et al. 2022's spacing, from σ(T-1) down to σ(0).
std::vector<double> karras_sigmas(const NoiseSchedule& schedule, int n, double rho);

// Descending fractional timesteps for `steps` model calls, following diffusers' spacing rules.
// `extra_point` reproduces DPMSolverMultistep, which spaces N+1 points and drops the last.
std::vector<double> select_timesteps(const NoiseSchedule& schedule, const StepSelection& selection,
                                     int steps, bool extra_point = false);

// The same timesteps rounded to integers and forced strictly descending inside [0, T-1], for
// samplers that index ᾱ_t (DDPM, DDIM). Unshifted diffusers spacings pass through unchanged.
std::vector<int> integer_timesteps(const std::vector<double>& timesteps, int num_train_timesteps);

}  // namespace emergence
