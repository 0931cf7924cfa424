#include "sampler.h"

#include <sstream>

#include "error.h"
#include "samplers/ddim_sampler.h"
#include "samplers/ddpm_sampler.h"
#include "samplers/deis_sampler.h"
#include "samplers/dpm2_sampler.h"
#include "samplers/dpm_solver_pp_sampler.h"
#include "samplers/dpmpp_2s_sampler.h"
#include "samplers/euler_ancestral_sampler.h"
#include "samplers/euler_sampler.h"
#include "samplers/heun_sampler.h"
#include "samplers/lcm_sampler.h"
#include "samplers/lms_sampler.h"
#include "samplers/unipc_sampler.h"

namespace emergence {

std::vector<std::string> sampler_names() {
  return {"ddpm",
          "ddim",
          "euler",
          "euler_a",
          "heun",
          "lms",
          "dpm2",
          "dpm2_a",
          "dpmpp_2m",
          "dpmpp_2m_sde",
          "dpmpp_2m_sde_heun",
          "dpmpp_3m_sde",
          "dpmpp_sde",
          "dpmpp_2s_a",
          "unipc",
          "unipc_bh1",
          "unipc_3",
          "unipc_bh1_3",
          "deis",
          "lcm"};
}

void validate_settings(const SamplerSettings& s, int num_train_timesteps) {
  validate_selection(s.selection, s.steps, num_train_timesteps);
  if (!(s.eta >= 0.0 && s.eta <= 1.0)) {
    std::ostringstream m;
    m << "eta must be in [0, 1] (got " << s.eta << ")";
    throw Error(m.str());
  }
  if (!(s.clip_sample_range > 0.0)) {
    throw Error("clip_sample_range must be > 0");
  }
}

std::unique_ptr<Sampler> make_sampler(const NoiseSchedule& schedule,
                                      const SamplerSettings& settings) {
  validate_settings(settings, schedule.num_train_timesteps());
  const std::string& n = settings.name;
  if (n == "ddpm") {
    return std::make_unique<DdpmSampler>(schedule, settings);
  }
  if (n == "ddim") {
    return std::make_unique<DdimSampler>(schedule, settings);
  }
  if (n == "euler") {
    return std::make_unique<EulerSampler>(schedule, settings);
  }
  if (n == "euler_a") {
    return std::make_unique<EulerAncestralSampler>(schedule, settings);
  }
  if (n == "heun") {
    return std::make_unique<HeunSampler>(schedule, settings);
  }
  if (n == "lms") {
    return std::make_unique<LmsSampler>(schedule, settings);
  }
  if (n == "dpm2" || n == "dpm2_a") {
    return std::make_unique<Dpm2Sampler>(schedule, settings, /*ancestral=*/n == "dpm2_a");
  }
  if (n == "lcm") {
    return std::make_unique<LcmSampler>(schedule, settings);
  }
  if (n == "deis") {
    return std::make_unique<DeisSampler>(schedule, settings);
  }
  if (n == "dpmpp_2m") {
    return std::make_unique<DpmSolverPPSampler>(schedule, settings);
  }
  if (n == "dpmpp_2m_sde") {
    return std::make_unique<DpmSolverPPSampler>(schedule, settings,
                                                DpmSolverPPSampler::Variant::SdeMidpoint);
  }
  if (n == "dpmpp_2m_sde_heun") {
    return std::make_unique<DpmSolverPPSampler>(schedule, settings,
                                                DpmSolverPPSampler::Variant::SdeHeun);
  }
  if (n == "dpmpp_3m_sde") {
    return std::make_unique<DpmSolverPPSampler>(schedule, settings,
                                                DpmSolverPPSampler::Variant::Sde3M);
  }
  if (n == "dpmpp_sde" || n == "dpmpp_2s_a") {
    return std::make_unique<Dpmpp2sSampler>(
        schedule, settings,
        n == "dpmpp_sde" ? Dpmpp2sSampler::Noise::Sde : Dpmpp2sSampler::Noise::Ancestral);
  }
  if (n == "unipc" || n == "unipc_bh1" || n == "unipc_3" || n == "unipc_bh1_3") {
    const bool bh1 = n.rfind("unipc_bh1", 0) == 0;
    const int order = n.back() == '3' ? 3 : 2;
    return std::make_unique<UniPcSampler>(
        schedule, settings, bh1 ? UniPcSampler::Variant::Bh1 : UniPcSampler::Variant::Bh2, order);
  }
  std::string known;
  for (const std::string& name : sampler_names()) {
    known += (known.empty() ? "" : ", ") + name;
  }
  throw Error("unknown sampler '" + n + "' (expected one of " + known + ")");
}

}  // namespace emergence
