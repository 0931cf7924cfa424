#include "plain_names.h"

#include <QCoreApplication>

namespace emergence::ui {
namespace {

struct Words {
  const char* name;
  const char* hint;
  const char* explanation;
};

// QT_TRANSLATE_NOOP keeps the texts translatable although they live in a table.
constexpr Words kSamplers[] = {
    {"ddpm", QT_TRANSLATE_NOOP("PlainNames", "random, many steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DDPM (Ho et al. 2020): the original sampler; adds fresh noise every "
                       "step and needs hundreds of steps")},
    {"ddim", QT_TRANSLATE_NOOP("PlainNames", "deterministic, few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DDIM (Song et al. 2021): the same seed always gives the same image; good "
                       "in 20–50 steps; η > 0 adds DDPM-like randomness")},
    {"euler", QT_TRANSLATE_NOOP("PlainNames", "deterministic, simple"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Euler (Karras et al. 2022): plain steps along the denoising path; "
                       "deterministic, one model call per step")},
    {"euler_a", QT_TRANSLATE_NOOP("PlainNames", "random, lively"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Euler ancestral: Euler steps that add fresh noise each step, so the "
                       "image keeps changing as steps grow")},
    {"heun", QT_TRANSLATE_NOOP("PlainNames", "accurate, 2 calls a step"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Heun (Karras et al. 2022): corrects each Euler step with a second model "
                       "call; more accurate per step, twice the cost")},
    {"lms", QT_TRANSLATE_NOOP("PlainNames", "deterministic, smooth"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "LMS (linear multistep, Adams–Bashforth in σ, as in k-diffusion): reuses "
                       "the slopes of the last four steps; one model call a step")},
    {"dpm2", QT_TRANSLATE_NOOP("PlainNames", "accurate, 2 calls a step"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM2 (DPM-Solver-2 of Lu et al. 2022 on Karras et al. 2022's σ): a "
                       "second model call at the midpoint of each step; accurate, twice the cost")},
    {"dpm2_a", QT_TRANSLATE_NOOP("PlainNames", "random, 2 calls a step"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM2 ancestral: DPM2 steps that add fresh noise each step, so the image "
                       "keeps changing as steps grow; twice the cost of Euler ancestral")},
    {"dpmpp_2m", QT_TRANSLATE_NOOP("PlainNames", "accurate, few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM-Solver++ 2M (Lu et al. 2022): uses the previous step too; "
                       "deterministic and sharp in 15–30 steps")},
    {"dpmpp_2m_sde", QT_TRANSLATE_NOOP("PlainNames", "random, detailed"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM-Solver++ 2M SDE (Lu et al. 2022): DPM++ 2M that removes part of the "
                       "noise each step and adds fresh noise back; varied, detailed images in "
                       "20–30 steps")},
    {"dpmpp_2m_sde_heun", QT_TRANSLATE_NOOP("PlainNames", "random, detailed"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM-Solver++ 2M SDE with the Heun form of its second-order term (Lu et "
                       "al. 2022); a little smoother than the midpoint form")},
    {"dpmpp_3m_sde", QT_TRANSLATE_NOOP("PlainNames", "random, detailed"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM-Solver++ 3M SDE (Lu et al. 2022): like DPM++ 2M SDE but uses the two "
                       "previous steps; best with 30 or more steps")},
    {"dpmpp_sde", QT_TRANSLATE_NOOP("PlainNames", "random, 2 calls a step"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM++ SDE (DPM-Solver++ 2S of Lu et al. 2022 with fresh noise at each "
                       "half step): detailed, varied images in few steps; twice the cost")},
    {"dpmpp_2s_a", QT_TRANSLATE_NOOP("PlainNames", "random, 2 calls a step"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DPM++ 2S ancestral (Lu et al. 2022): a second model call at the midpoint "
                       "of each step, then fresh noise like Euler ancestral; twice the cost")},
    {"unipc", QT_TRANSLATE_NOOP("PlainNames", "accurate, very few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "UniPC (Zhao et al. 2023): predicts from the previous step and corrects "
                       "with each new model call at no extra cost; deterministic, good in 10–20 "
                       "steps (bh2 variant, order 2)")},
    {"unipc_bh1", QT_TRANSLATE_NOOP("PlainNames", "accurate, very few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "UniPC (Zhao et al. 2023), bh1 variant, order 2: recommended for "
                       "unconditional models under 10 steps")},
    {"unipc_3", QT_TRANSLATE_NOOP("PlainNames", "accurate, very few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "UniPC (Zhao et al. 2023), bh2 variant, order 3: uses the two previous "
                       "steps; recommended for unconditional models, and ComfyUI's uni_pc_bh2")},
    {"unipc_bh1_3", QT_TRANSLATE_NOOP("PlainNames", "accurate, very few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "UniPC (Zhao et al. 2023), bh1 variant, order 3: what ComfyUI's uni_pc and "
                       "AUTOMATIC1111's UniPC use")},
    {"deis", QT_TRANSLATE_NOOP("PlainNames", "accurate, few steps"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DEIS (Zhang & Chen 2023): an exponential integrator that reuses the "
                       "previous step's noise estimate; deterministic, good in 10–20 steps")},
    {"lcm", QT_TRANSLATE_NOOP("PlainNames", "random, for LCM models"),
     QT_TRANSLATE_NOOP(
         "PlainNames",
         "LCM (Luo et al. 2023): for latent consistency models, which jump to a clean "
         "image in 2–8 steps; each step guesses the image and adds fresh noise back. "
         "Uses its own steps, whatever the schedule")},
};

constexpr Words kSpacings[] = {
    {"leading", QT_TRANSLATE_NOOP("PlainNames", "starts below full noise"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Leading: even steps counted up from the clean end, so the first step "
                       "sits a little below pure noise (older Stable Diffusion default)")},
    {"linspace", QT_TRANSLATE_NOOP("PlainNames", "even, noise to clean"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Linspace: even steps from pure noise to the clean end, both included")},
    {"trailing", QT_TRANSLATE_NOOP("PlainNames", "even, from full noise"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Trailing: even steps counted down from pure noise, so the first step is "
                       "pure noise (best for few steps)")},
    {"karras", QT_TRANSLATE_NOOP("PlainNames", "more steps near clean"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Karras (Karras et al. 2022): spaced by noise level σ, crowding the steps "
                       "towards the clean end where fine detail forms")},
    {"exponential", QT_TRANSLATE_NOOP("PlainNames", "even in log σ"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Exponential: steps evenly spaced in log σ from pure noise to the clean "
                       "end; A1111's default for DPM++ SDE samplers")},
    {"beta", QT_TRANSLATE_NOOP("PlainNames", "most steps at high noise"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Beta (Lee et al. 2024, as diffusers and A1111 use it): σ from σ_max to "
                       "σ_min by the quantiles of a Beta(0.6, 0.6) distribution, linearly in σ, "
                       "which puts most steps at high noise; ComfyUI's beta spaces timesteps "
                       "instead")},
    {"kl_optimal", QT_TRANSLATE_NOOP("PlainNames", "even in arctan σ"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "KL optimal (Sabour et al. 2024): steps evenly spaced in arctan σ, between "
                       "Karras and exponential")},
    {"ays", QT_TRANSLATE_NOOP("PlainNames", "tuned for SD 1.5"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Align Your Steps (Sabour et al. 2024): NVIDIA's noise levels tuned for "
                       "Stable Diffusion 1.5 in 10 steps, interpolated for other counts; on a "
                       "model whose noise goes above σ 14.6 it starts below pure noise")},
    {"normal", QT_TRANSLATE_NOOP("PlainNames", "even, σ in log"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Normal (ComfyUI's default): even steps from pure noise to the clean end, "
                       "like linspace but with σ interpolated in log σ")},
    {"sgm_uniform", QT_TRANSLATE_NOOP("PlainNames", "even, short of clean"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "SGM uniform: even steps from pure noise that stop one step short of the "
                       "clean end; made for few-step models (Lightning, Hyper-SD, LCM)")},
    {"simple", QT_TRANSLATE_NOOP("PlainNames", "every N-th, from noise"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "Simple (ComfyUI): every T/N-th training step counted down from pure "
                       "noise, rounded down; trailing rounds instead")},
    {"ddim_uniform", QT_TRANSLATE_NOOP("PlainNames", "every N-th, from clean"),
     QT_TRANSLATE_NOOP("PlainNames",
                       "DDIM uniform (ComfyUI; A1111's DDIM schedule): every T/N-th training step "
                       "counted up from t = 1; it makes exactly N steps only when T mod N is 0 "
                       "or 1")},
};

template <size_t N>
QString lookup(const Words (&table)[N], const QString& name, bool hint) {
  for (const Words& words : table) {
    if (name == QLatin1String(words.name)) {
      return QCoreApplication::translate("PlainNames", hint ? words.hint : words.explanation);
    }
  }
  return {};
}

}  // namespace

QString samplerHint(const QString& sampler) { return lookup(kSamplers, sampler, true); }
QString spacingHint(const QString& spacing) { return lookup(kSpacings, spacing, true); }
QString samplerExplanation(const QString& sampler) { return lookup(kSamplers, sampler, false); }
QString spacingExplanation(const QString& spacing) { return lookup(kSpacings, spacing, false); }

}  // namespace emergence::ui
