// Issue 16 item 4: the sampler and the schedule are two choices, and every app's spelling of them
// picks the same settings.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "core/generation_params.h"
#include "core/sampler.h"
#include "core/sampler_aliases.h"

namespace emergence {
namespace {

struct Expected {
  const char* name;
  const char* sampler;
  std::optional<Spacing> schedule;
};

TEST(SamplerNames, EverySpellingPicksTheSameSettings) {
  const Expected expected[] = {
      {"dpmpp_2m", "dpmpp_2m", std::nullopt},  // ours
      {"DPM++ 2M", "dpmpp_2m", std::nullopt},  // A1111 ≥ 1.9
      {"dpm++ 2m", "dpmpp_2m", std::nullopt},
      {"DPM++ 2M Karras", "dpmpp_2m", Spacing::Karras},  // A1111 < 1.9
      {"DPM++ 2M Exponential", "dpmpp_2m", Spacing::Exponential},
      {"dpmpp_2m karras", "dpmpp_2m", Spacing::Karras},
      {"Euler a", "euler_a", std::nullopt},
      {"euler_ancestral", "euler_a", std::nullopt},  // ComfyUI
      {"EULER_A", "euler_a", std::nullopt},
      {"Euler a Karras", "euler_a", Spacing::Karras},
      {"Euler", "euler", std::nullopt},
      {"Euler SGM Uniform", "euler", Spacing::SgmUniform},  // a label of two words
      {"Euler Align Your Steps", "euler", Spacing::AlignYourSteps},
      {"Heun", "heun", std::nullopt},
      {"DDIM", "ddim", std::nullopt},
      {"ddpm", "ddpm", std::nullopt},
      {"DPM++ 2M SDE", "dpmpp_2m_sde", std::nullopt},
      {"DPM++ 2M SDE Karras", "dpmpp_2m_sde", Spacing::Karras},  // Fooocus' and Krita's favourite
      {"DPM++ 2M SDE Heun Exponential", "dpmpp_2m_sde_heun", Spacing::Exponential},
      {"dpmpp_2m_sde_gpu", "dpmpp_2m_sde", std::nullopt},
      {"DPM++ 3M SDE Karras", "dpmpp_3m_sde", Spacing::Karras},
      {"dpmpp_3m_sde_gpu", "dpmpp_3m_sde", std::nullopt},
      {"DPM++ SDE Karras", "dpmpp_sde", Spacing::Karras},
      {"dpmpp_sde_gpu", "dpmpp_sde", std::nullopt},
      {"DPM++ 2S a Karras", "dpmpp_2s_a", Spacing::Karras},
      {"dpmpp_2s_ancestral", "dpmpp_2s_a", std::nullopt},
      {"LMS Karras", "lms", Spacing::Karras},
      {"DPM2 a Karras", "dpm2_a", Spacing::Karras},
      {"dpm_2_ancestral", "dpm2_a", std::nullopt},
      {"UniPC", "unipc_bh1_3", std::nullopt},
      {"uni_pc_bh2", "unipc_3", std::nullopt},
      {"deis", "deis", std::nullopt},
      {"LCM", "lcm", std::nullopt},
      {"LCM Karras", "lcm", Spacing::Karras},
  };
  for (const Expected& e : expected) {
    const SamplerChoice choice = parse_sampler_choice(e.name);
    EXPECT_EQ(choice.sampler, e.sampler) << e.name;
    EXPECT_EQ(choice.schedule, e.schedule) << e.name;
  }
  for (const std::string& name : sampler_names()) {
    EXPECT_EQ(parse_sampler_choice(name).sampler, name);
    EXPECT_FALSE(parse_sampler_choice(name).schedule.has_value());
  }
}

// The table of other apps' names lists only samplers that exist, so rows for samplers added later
// must come with them.
TEST(SamplerNames, EveryRowNamesAnExistingSampler) {
  const std::vector<std::string> names = sampler_names();
  for (const auto& [spelling, sampler] : sampler_spellings()) {
    EXPECT_NE(std::find(names.begin(), names.end(), sampler), names.end())
        << spelling << " → " << sampler;
    EXPECT_EQ(parse_sampler_choice(spelling).sampler, sampler) << spelling;
  }
}

TEST(SamplerNames, AnUnknownNameListsTheKnownOnes) {
  for (const char* name : {"plms", "DPM++ 2M Turbo", "Karras", "dpmpp_2m_karras"}) {
    try {
      parse_sampler_choice(name);
      FAIL() << name << ": no error";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("unknown sampler '" + std::string(name) + "'"), std::string::npos)
          << message;
      for (const std::string& known : sampler_names()) {
        EXPECT_NE(message.find(known), std::string::npos) << known << " missing: " << message;
      }
    }
  }
}

nlohmann::json sidecar(const std::string& sampler, const std::string& schedule) {
  GenerationParams p;
  p.sampler = "dpmpp_2m";
  nlohmann::json j = to_json(p);
  j["sampler"] = sampler;
  j["schedule"] = schedule;
  return j;
}

// The parameter reader takes the same spellings, and a sampler that names a schedule must agree
// with the schedule given beside it.
TEST(SamplerNames, TheParameterReaderTakesEverySpelling) {
  const GenerationParams ours = generation_params_from_json(sidecar("dpmpp_2m", "karras"));
  for (const auto& [sampler, schedule] :
       std::vector<std::pair<std::string, std::string>>{{"DPM++ 2M Karras", "karras"},
                                                        {"DPM++ 2M", "Karras"},
                                                        {"dpmpp_2m", "KARRAS"},
                                                        {"DPM++ 2M Karras", "Karras"}}) {
    const GenerationParams p = generation_params_from_json(sidecar(sampler, schedule));
    EXPECT_EQ(p.sampler, ours.sampler) << sampler << " / " << schedule;
    EXPECT_EQ(p.spacing, ours.spacing) << sampler << " / " << schedule;
    EXPECT_EQ(to_json(p), to_json(ours)) << sampler << " / " << schedule;
  }
  const GenerationParams comfy = generation_params_from_json(sidecar("euler_ancestral", "DDIM"));
  EXPECT_EQ(comfy.sampler, "euler_a");
  EXPECT_EQ(comfy.spacing, Spacing::DdimUniform);
  try {
    generation_params_from_json(sidecar("DPM++ 2M Karras", "exponential"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("names the karras schedule"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(generation_params_from_json(sidecar("DPM++ 9M", "karras")), Error);
  EXPECT_THROW(generation_params_from_json(sidecar("euler", "linear_quadratic")), Error);
}

}  // namespace
}  // namespace emergence
