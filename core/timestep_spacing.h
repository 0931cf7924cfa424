#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "noise_schedule.h"
#include "sigma_schedules.h"

namespace emergence {

// How the sampling steps are picked from the training steps: diffusers' `timestep_spacing`
// (leading, linspace, trailing), ComfyUI's index schedules (simple, ddim_uniform), or a spacing
// of the noise level σ itself (the rest; see defines_sigmas()).
enum class Spacing {
  Leading,
  Linspace,
  Trailing,
  Karras,
  Exponential,
  Beta,
  Simple,
  SgmUniform,
  Normal,
  DdimUniform,
  AlignYourSteps,
  KlOptimal,
};

// Our name, or A1111's ("SGM Uniform", "Align Your Steps", "DDIM") or ComfyUI's
// ("ddim_uniform", "align_your_steps") spelling of one, in any letter case. An unknown name is an
// Error that lists the known ones.
Spacing parse_spacing(const std::string& name);
// The same without the error: nullopt for a name that is no schedule's.
std::optional<Spacing> find_spacing(const std::string& name);
// A1111's "Schedule type" label ("Karras", "SGM Uniform"); ours for diffusers' spacings, which
// A1111 has no label for.
std::string a1111_label(Spacing spacing);
std::string to_string(Spacing spacing);
// Our names, in the order the GUI offers them.
std::vector<std::string> spacing_names();
// Every row of the table of other apps' schedule names: (spelling, our name).
std::vector<std::pair<std::string, std::string>> spacing_spellings();
// One of diffusers' own `timestep_spacing` values (leading, linspace, trailing).
bool is_diffusers_spacing(Spacing spacing);
// True where the schedule is a list of σ (Karras, exponential, beta, …): unshifted, the samplers
// that step on σ step on exactly these, and the timesteps are those of the σ.
bool defines_sigmas(Spacing spacing);

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

// α and β of the beta schedule's Beta distribution (diffusers use_beta_sigmas; A1111's default).
constexpr double kBetaScheduleAlpha = 0.6;
constexpr double kBetaScheduleBeta = 0.6;

// The shift of StepSelection::shift applied to one normalised time u ∈ [0,1].
double shift_time(double u, double shift);

// Checks steps, shift, ρ and offset, throwing an Error that names the parameter and its range.
void validate_selection(const StepSelection& selection, int steps, int num_train_timesteps);

// The `steps` descending σ of a schedule for which defines_sigmas() holds, without the final 0.
std::vector<double> schedule_sigmas(const NoiseSchedule& schedule, const StepSelection& selection,
                                    int steps);

// Descending fractional timesteps for `steps` model calls, following diffusers' spacing rules.
// `extra_point` reproduces DPMSolverMultistep, which spaces N+1 points and drops the last.
std::vector<double> select_timesteps(const NoiseSchedule& schedule, const StepSelection& selection,
                                     int steps, bool extra_point = false);

// The same timesteps rounded to integers and forced strictly descending inside [0, T-1], for
// samplers that index ᾱ_t (DDPM, DDIM). Unshifted diffusers spacings pass through unchanged.
std::vector<int> integer_timesteps(const std::vector<double>& timesteps, int num_train_timesteps);

}  // namespace emergence
