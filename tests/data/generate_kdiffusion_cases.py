#!/usr/bin/python3
"""Records k-diffusion sampler runs as parity fixtures (tests/data/schedulers/<case>/), for the
samplers diffusers has no scheduler for (DPM++ 2S ancestral).

Run with Debian's python3-torch and python3-scipy on plain checkouts of k-diffusion at tag
v0.1.1.post1 and diffusers at v0.35.2, with torchsde v0.2.6 and trampoline 0.1.2 installed as
generate_scheduler_cases.py says (k-diffusion's sampling module imports torchsde):

    git --git-dir=K_DIFFUSION_GIT archive v0.1.1.post1 | tar -x -C /tmp/k-diffusion-v0.1.1.post1
    PYTHONPATH=/tmp/sde-deps /usr/bin/python3 tests/data/generate_kdiffusion_cases.py \
        /tmp/k-diffusion-v0.1.1.post1 /tmp/diffusers-v0.35.2/src ../shared/reference/kit \
        tests/data/schedulers [CASE ...]

A case is what AUTOMATIC1111 runs for "DPM++ 2S a Karras" and the like: k-diffusion's
CompVisDenoiser (CompVisVDenoiser for v-prediction) around the fake model of tests/data/README.md,
on the alphas_cumprod of a diffusers scheduler config, with k-diffusion's own sigma schedule, and
the sampling function called as A1111 calls it. Only modules k-diffusion imports but these samplers
never use (torchdiffeq, torchvision) are stood in for; nothing of k-diffusion is changed or
re-implemented. Each case is replayed from its written files before it is kept.
"""
import json
import os
import sys
import types

import numpy as np
import torch

K_DIFFUSION_SRC, DIFFUSERS_SRC, KIT, OUT = sys.argv[1:5]
ONLY = set(sys.argv[5:])
sys.path.insert(0, KIT)
import offline_diffusers as od  # noqa: E402
from scheduler_case_io import FAKE_MODEL, fake_model, json_safe, save  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC)
torch.set_num_threads(1)


def import_k_diffusion(src):
    """k_diffusion.sampling and .external without the package's __init__ (which imports its
    training stack): torchdiffeq (odeint, for sample_dpm_adaptive's ODE) and torchvision (image
    helpers in utils) are imported at the top but not used by the samplers recorded here."""
    for name in ("torchdiffeq", "torchvision", "torchvision.transforms",
                 "torchvision.transforms.functional"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["torchdiffeq"].odeint = None
    sys.modules["torchvision"].transforms = sys.modules["torchvision.transforms"]
    sys.modules["torchvision.transforms"].functional = sys.modules["torchvision.transforms.functional"]
    package = types.ModuleType("k_diffusion")
    package.__path__ = [os.path.join(src, "k_diffusion")]
    sys.modules["k_diffusion"] = package
    import importlib
    return importlib.import_module("k_diffusion.sampling"), importlib.import_module(
        "k_diffusion.external")


sampling, external = import_k_diffusion(K_DIFFUSION_SRC)

SD = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")

# name: (k-diffusion sampler, our sampler name, diffusers config whose schedule (alphas_cumprod,
# and use_karras_sigmas / use_exponential_sigmas for the sigma grid) the run uses, steps, seed)
CASES = {
    "kdiffusion_dpmpp_2s_a_karras_scaled_linear_10": (
        "sample_dpmpp_2s_ancestral", "dpmpp_2s_a", dict(SD, use_karras_sigmas=True), 10, 2901),
    "kdiffusion_dpmpp_2s_a_exponential_scaled_linear_10": (
        "sample_dpmpp_2s_ancestral", "dpmpp_2s_a", dict(SD, use_exponential_sigmas=True), 10, 2902),
    # v-prediction on SD's betas: from sigma 2e4 (the cosine schedule's sigma_max, where every
    # Karras or exponential grid starts) float32 cancellation in the step itself leaves elements
    # near 0 with errors of 1e-4 of max(1, |x|), too coarse for a parity check.
    "kdiffusion_dpmpp_2s_a_karras_scaled_linear_vpred_12": (
        "sample_dpmpp_2s_ancestral", "dpmpp_2s_a",
        dict(SD, use_karras_sigmas=True, prediction_type="v_prediction"), 12, 2903),
}

# The diffusers class whose config carries the schedule (its defaults: linspace spacing, σ = 0 at
# the end, init_noise_sigma = σ_max), as A1111 samples "Karras" and "Exponential".
SCHEDULE_CLASS = "EulerDiscreteScheduler"


class FakeCompVisModel:
    """What CompVisDenoiser wraps: alphas_cumprod and apply_model(x, t, cond)."""

    def __init__(self, alphas_cumprod):
        self.alphas_cumprod = alphas_cumprod
        self.timesteps = []

    def apply_model(self, x, t, cond=None):
        self.timesteps.append(float(t))
        return fake_model(x, float(t))


class Recorder:
    """Wraps the denoiser and the noise sampler: the latent and σ each call is given, the model's
    input and output, and every draw (or hands out recorded draws instead)."""

    def __init__(self, denoiser, inner, generator, shape, replay=None):
        self.denoiser, self.inner, self.generator, self.shape = denoiser, inner, generator, shape
        self.replay = None if replay is None else list(replay)
        self.latents, self.sigmas, self.inputs, self.outputs, self.draws = [], [], [], [], []
        self.draws_per_call = []
        original = inner.apply_model

        def apply_model(x, t, cond=None):
            out = original(x, t, cond)
            self.inputs.append(x.clone())
            self.outputs.append(out.clone())
            return out

        inner.apply_model = apply_model

    def model(self, x, sigma, **kwargs):
        self.latents.append(x.clone())
        self.sigmas.append(float(sigma))
        self.draws_per_call.append(0)
        return self.denoiser(x, sigma, **kwargs)

    def noise_sampler(self, sigma, sigma_next):
        if self.replay is not None:
            noise = torch.from_numpy(self.replay.pop(0))
        else:
            noise = torch.randn(self.shape, generator=self.generator, dtype=torch.float32)
        self.draws.append(noise.clone())
        self.draws_per_call[-1] += 1
        return noise


def sigma_grid(config, denoiser, steps):
    """The σ of A1111's "Karras" and "Exponential" schedulers: k-diffusion's functions between the
    model's smallest and largest σ."""
    sigma_min, sigma_max = float(denoiser.sigma_min), float(denoiser.sigma_max)
    if config.get("use_karras_sigmas"):
        return sampling.get_sigmas_karras(steps, sigma_min, sigma_max)
    if config.get("use_exponential_sigmas"):
        return sampling.get_sigmas_exponential(steps, sigma_min, sigma_max)
    raise SystemExit("no sigma schedule in " + json.dumps(config))


def run(function, config, steps, seed, x_init=None, replay=None):
    scheduler = getattr(diffusers, SCHEDULE_CLASS)(**config)
    inner = FakeCompVisModel(scheduler.alphas_cumprod)
    v_prediction = config.get("prediction_type") == "v_prediction"
    denoiser = (external.CompVisVDenoiser if v_prediction else external.CompVisDenoiser)(inner)
    sigmas = sigma_grid(config, denoiser, steps)
    generator = torch.Generator("cpu").manual_seed(seed) if seed is not None else None
    if x_init is None:
        x_init = torch.randn([1, 3, 8, 8], generator=generator, dtype=torch.float32)
    recorder = Recorder(denoiser, inner, generator, x_init.shape, replay)
    x = x_init * sigmas[0]
    final = getattr(sampling, function)(recorder.model, x, sigmas, extra_args=dict(cond=None),
                                        disable=True, noise_sampler=recorder.noise_sampler)
    return scheduler, sigmas, x_init, recorder.latents + [final], inner.timesteps, recorder


def write_case(name):
    function, sampler, config, steps, seed = CASES[name]
    scheduler, sigmas, x_init, trajectory, timesteps, recorder = run(function, config, steps, seed)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    scheduler.save_config(folder)
    arrays = {
        "x_init.npy": x_init.numpy(),
        "timesteps.npy": np.array(timesteps, dtype=np.float32),
        "alphas_cumprod.npy": scheduler.alphas_cumprod.numpy().astype(np.float32),
        "trajectory.npy": torch.stack(trajectory).numpy(),
        "model_inputs.npy": torch.stack(recorder.inputs).numpy(),
        "model_timesteps.npy": np.array(timesteps, dtype=np.float32),
        "model_outputs.npy": torch.stack(recorder.outputs).numpy(),
        # The σ each model call was given, then 0.
        "sigmas.npy": np.array(recorder.sigmas + [0.0], dtype=np.float32),
        "sigma_grid.npy": sigmas.numpy().astype(np.float32),
        "noises.npy": torch.stack(recorder.draws).numpy().astype(np.float32),
    }
    for file, array in arrays.items():
        save(folder, file, array)
    case = {
        "case": name,
        "peer_function": f"k_diffusion.sampling.{function}",
        "sampler": sampler,
        "scheduler_class": SCHEDULE_CLASS,
        "config_passed": json_safe(config),
        "config_full": json_safe(dict(scheduler.config)),
        "num_inference_steps": steps,
        "step_kwargs": {},
        "seed": seed,
        "x_init": "torch.randn([1,3,8,8], generator=torch.Generator('cpu').manual_seed(seed)); float32",
        "init_noise_sigma": float(sigmas[0]),
        "fake_model": FAKE_MODEL,
        "loop": f"inner.alphas_cumprod = {SCHEDULE_CLASS}(**config_passed).alphas_cumprod; "
                "model = (CompVisVDenoiser if v_prediction else CompVisDenoiser)(inner); "
                "sigmas = get_sigmas_karras|get_sigmas_exponential(num_inference_steps, "
                "model.sigma_min, model.sigma_max) (sigma_grid.npy); "
                f"{function}(model, x_init * sigmas[0], sigmas, extra_args={{'cond': None}}, "
                "noise_sampler=noise_sampler); trajectory[k] is the latent model call k was given, "
                "and the sampler's result last",
        "model_calls": len(recorder.outputs),
        "peer": f"k-diffusion v0.1.1.post1 (sampling.py, external.py) on diffusers "
                f"{diffusers.__version__}'s alphas_cumprod, torch {torch.__version__}, one thread",
        "files": sorted(["case.json", "scheduler_config.json"] + list(arrays)),
        "noise": {
            "count": len(recorder.draws),
            "draws_per_step_call": recorder.draws_per_call,
            "how": "generator = torch.Generator('cpu').manual_seed(seed); x_init = "
                   "torch.randn([1,3,8,8], generator=generator) is the FIRST draw; noise_sampler("
                   "sigma, sigma_next) returns torch.randn([1,3,8,8], generator=generator), and "
                   "noises.npy[k] is its k-th result. To replay, substitute noises.npy[k] for the "
                   "k-th draw.",
        },
    }
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    check_replay(folder, function, config, steps)
    print(f"{name}: {len(recorder.outputs)} model calls, sigmas {recorder.sigmas}")


def check_replay(folder, function, config, steps):
    """Reruns the case from the written x_init, handing it the written noises in place of its
    draws."""
    x_init = torch.from_numpy(np.load(os.path.join(folder, "x_init.npy")))
    replay = list(np.load(os.path.join(folder, "noises.npy")))
    _, _, _, trajectory, _, recorder = run(function, config, steps, None, x_init, replay)
    if recorder.replay:
        raise SystemExit(f"{folder}: replay left {len(recorder.replay)} recorded noises unused")
    if not np.array_equal(torch.stack(trajectory).numpy(),
                          np.load(os.path.join(folder, "trajectory.npy"))):
        raise SystemExit(f"{folder}: replay from the written files differs")


for case_name in CASES:
    if not ONLY or case_name in ONLY:
        write_case(case_name)
