#!/usr/bin/python3
"""Records diffusers scheduler runs as parity fixtures (tests/data/schedulers/<case>/).

Run with Debian's python3-torch (and python3-scipy) on a plain checkout of diffusers at tag
v0.35.2; DPMSolverSDEScheduler also needs torchsde v0.2.6 (github google-research/torchsde) and its
dependency trampoline 0.1.2 (github ferreum/trampoline, commit 1d98f39), installed from their
checkouts without network:

    git --git-dir=DIFFUSERS_GIT archive v0.35.2 | tar -x -C /tmp/diffusers-v0.35.2
    git --git-dir=TORCHSDE_GIT archive v0.2.6 | tar -x -C /tmp/torchsde-0.2.6
    git --git-dir=TRAMPOLINE_GIT archive 1d98f39 | tar -x -C /tmp/trampoline-0.1.2
    /usr/bin/python3 -m pip install --no-deps --no-index --no-build-isolation --target /tmp/sde-deps \
        /tmp/torchsde-0.2.6 /tmp/trampoline-0.1.2
    PYTHONPATH=/tmp/sde-deps /usr/bin/python3 tests/data/generate_scheduler_cases.py \
        /tmp/diffusers-v0.35.2/src ../shared/reference/kit tests/data/schedulers [CASE ...]

Each case is the loop of the diffusers pipelines with the fake model of tests/data/README.md,
written in the layout of the cases copied from shared/reference, and replayed from the written
files before it is trusted. Nothing of diffusers is changed or re-implemented here.
"""
import inspect
import json
import os
import sys

import numpy as np
import torch

DIFFUSERS_SRC, KIT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = set(sys.argv[4:])
sys.path.insert(0, KIT)
import offline_diffusers as od  # noqa: E402
from scheduler_case_io import FAKE_MODEL, fake_model, json_safe, save  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC)
torch.set_num_threads(1)

SD = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
LINEAR = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear")
COSINE = dict(num_train_timesteps=1000, beta_schedule="squaredcos_cap_v2")

# name: (class, constructor kwargs, steps, step kwargs, seed[, STOCHASTIC])
STOCHASTIC = "stochastic"  # pass the x_init generator to step() and record every draw
CASES = {
    # The most common artist default, "DPM++ 2M Karras", on Stable Diffusion's schedule.
    "dpmsolver_pp2m_karras_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, solver_order=2, algorithm_type="dpmsolver++", use_karras_sigmas=True), 15, {}, 2001),
    # Cosine: diffusers keeps the fractional Karras timesteps, then casts them to int64 (truncates);
    # fewer than 15 steps also takes the lower-order final steps.
    "dpmsolver_pp2m_karras_cosine_vpred_12": (
        "DPMSolverMultistepScheduler",
        dict(COSINE, solver_order=2, algorithm_type="dpmsolver++", use_karras_sigmas=True,
             prediction_type="v_prediction"), 12, {}, 2002),
    "euler_karras_scaled_linear_20": (
        "EulerDiscreteScheduler", dict(SD, use_karras_sigmas=True), 20, {}, 2003),
    "heun_karras_scaled_linear_8": (
        "HeunDiscreteScheduler", dict(SD, use_karras_sigmas=True), 8, {}, 2004),
    # DDIM's previous timestep is t - T // N, which is not the next listed one for trailing and
    # linspace spacing when N does not divide T.
    "ddim_trailing_scaled_linear_30": (
        "DDIMScheduler",
        dict(SD, timestep_spacing="trailing", clip_sample=False, set_alpha_to_one=False, steps_offset=1),
        30, dict(eta=0.0), 2005),
    "ddim_trailing_cosine_vpred_clip_30": (
        "DDIMScheduler",
        dict(COSINE, timestep_spacing="trailing", prediction_type="v_prediction", clip_sample=True),
        30, dict(eta=0.0, use_clipped_model_output=True), 2006),
    "ddim_linspace_linear_30": (
        "DDIMScheduler", dict(LINEAR, timestep_spacing="linspace", clip_sample=False), 30,
        dict(eta=0.0), 2007),
    # Schedules made of σ: fractional timesteps for Euler and Heun; DPM-Solver truncates them to
    # int64 without the rounding it gives Karras ones.
    "euler_exponential_scaled_linear_20": (
        "EulerDiscreteScheduler", dict(SD, use_exponential_sigmas=True), 20, {}, 2008),
    "euler_beta_scaled_linear_20": (
        "EulerDiscreteScheduler", dict(SD, use_beta_sigmas=True), 20, {}, 2009),
    "heun_beta_scaled_linear_8": (
        "HeunDiscreteScheduler", dict(SD, use_beta_sigmas=True), 8, {}, 2010),
    "dpmsolver_pp2m_exponential_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, solver_order=2, algorithm_type="dpmsolver++", use_exponential_sigmas=True), 15, {},
        2011),
    "dpmsolver_pp2m_beta_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, solver_order=2, algorithm_type="dpmsolver++", use_beta_sigmas=True), 15, {}, 2012),
    "dpmsolver_pp2m_exponential_cosine_vpred_12": (
        "DPMSolverMultistepScheduler",
        dict(COSINE, solver_order=2, algorithm_type="dpmsolver++", use_exponential_sigmas=True,
             prediction_type="v_prediction"), 12, {}, 2013),
    # Align Your Steps' 10-step SD 1.5 σ, handed to set_timesteps(sigmas=...) as diffusers' docs do.
    "euler_ays_scaled_linear_10": ("EulerDiscreteScheduler", dict(SD), 10, {}, 2014),
    # UniPC: diffusers' default (bh2, order 2), then Karras, cosine with v-prediction, bh1 and
    # order 3. bh1 ends at sigma_min: with final_sigmas_type "zero" diffusers' last bh1 step is
    # NaN (it multiplies B(h) = -inf by a zero residual).
    "unipc_bh2_scaled_linear_20": ("UniPCMultistepScheduler", dict(SD), 20, {}, 2101),
    "unipc_bh2_karras_scaled_linear_15": (
        "UniPCMultistepScheduler", dict(SD, use_karras_sigmas=True), 15, {}, 2102),
    "unipc_bh2_trailing_cosine_vpred_12": (
        "UniPCMultistepScheduler",
        dict(COSINE, prediction_type="v_prediction", timestep_spacing="trailing"), 12, {}, 2103),
    "unipc_bh1_sigma_min_scaled_linear_20": (
        "UniPCMultistepScheduler", dict(SD, solver_type="bh1", final_sigmas_type="sigma_min"), 20,
        {}, 2104),
    "unipc_bh1_3_sigma_min_karras_scaled_linear_15": (
        "UniPCMultistepScheduler",
        dict(SD, solver_type="bh1", solver_order=3, final_sigmas_type="sigma_min",
             use_karras_sigmas=True), 15, {}, 2105),
    "unipc_bh2_3_leading_scaled_linear_25": (
        "UniPCMultistepScheduler",
        dict(SD, solver_order=3, timestep_spacing="leading", steps_offset=1), 25, {}, 2106),
    # DPM++ 2M SDE ("sde-dpmsolver++"): a draw on every step, the last (to sigma 0) included.
    "dpmsolver_sde_pp2m_scaled_linear_20": (
        "DPMSolverMultistepScheduler", dict(SD, algorithm_type="sde-dpmsolver++"), 20, {}, 2201,
        STOCHASTIC),
    "dpmsolver_sde_pp2m_karras_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, algorithm_type="sde-dpmsolver++", use_karras_sigmas=True), 15, {}, 2202,
        STOCHASTIC),
    "dpmsolver_sde_pp2m_heun_karras_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, algorithm_type="sde-dpmsolver++", solver_type="heun", use_karras_sigmas=True), 15,
        {}, 2203, STOCHASTIC),
    "dpmsolver_sde_pp2m_heun_trailing_cosine_vpred_12": (
        "DPMSolverMultistepScheduler",
        dict(COSINE, algorithm_type="sde-dpmsolver++", solver_type="heun",
             prediction_type="v_prediction", timestep_spacing="trailing"), 12, {}, 2204,
        STOCHASTIC),
    # LMS: step(order=4) by default; the first three steps are of order 1, 2, 3.
    "lms_scaled_linear_30": ("LMSDiscreteScheduler", dict(SD), 30, {}, 2301),
    "lms_karras_scaled_linear_20": (
        "LMSDiscreteScheduler", dict(SD, use_karras_sigmas=True), 20, {}, 2302),
    "lms_cosine_vpred_15": (
        "LMSDiscreteScheduler", dict(COSINE, prediction_type="v_prediction"), 15, {}, 2303),
    # DPM2 and DPM2 ancestral: 2N-1 model calls, midpoints at the geometric mean of the sigmas.
    "kdpm2_scaled_linear_15": ("KDPM2DiscreteScheduler", dict(SD), 15, {}, 2401),
    "kdpm2_karras_scaled_linear_10": (
        "KDPM2DiscreteScheduler", dict(SD, use_karras_sigmas=True), 10, {}, 2402),
    # Cosine from t = 999 starts at sigma 2e4, where one float32 ulp of the first midpoint moves
    # the next latent by 4e-4 of its size: the leading spacing starts at sigma 6.5 instead.
    "kdpm2_leading_cosine_vpred_10": (
        "KDPM2DiscreteScheduler",
        dict(COSINE, prediction_type="v_prediction", timestep_spacing="leading", steps_offset=1),
        10, {}, 2403),
    "kdpm2_a_scaled_linear_15": (
        "KDPM2AncestralDiscreteScheduler", dict(SD), 15, {}, 2404, STOCHASTIC),
    "kdpm2_a_karras_scaled_linear_10": (
        "KDPM2AncestralDiscreteScheduler", dict(SD, use_karras_sigmas=True), 10, {}, 2405,
        STOCHASTIC),
    # Not from t = 999 on the cosine schedule (sigma 2e4): there diffusers' float32
    # sigma_down = sqrt(sigma_to^2 - sigma_up^2) cancels to 0 and its first midpoint timestep is
    # NaN. It loses eps*(sigma_from/sigma_to)^2 wherever sigma falls steeply: at 10 leading steps
    # its last midpoint timestep is 1.0000228 for sigma(1); 20 steps keep that below float32 noise.
    "kdpm2_a_leading_cosine_vpred_20": (
        "KDPM2AncestralDiscreteScheduler",
        dict(COSINE, prediction_type="v_prediction", timestep_spacing="leading", steps_offset=1),
        20, {}, 2406, STOCHASTIC),
    # DPM++ 3M SDE (solver_order 3, "sde-dpmsolver++"): first, second, then third-order steps; a
    # draw on every step. Under 15 steps the next-to-last step is second order (lower_order_final).
    # Each step agrees to an ulp, but the fake model's run amplifies those: at 20 linspace steps the
    # trajectory ends 1e-5 (relative) from diffusers', about what diffusers in float64 differs by.
    "dpmsolver_sde_pp3m_scaled_linear_16": (
        "DPMSolverMultistepScheduler", dict(SD, solver_order=3, algorithm_type="sde-dpmsolver++"),
        16, {}, 2601, STOCHASTIC),
    "dpmsolver_sde_pp3m_karras_scaled_linear_15": (
        "DPMSolverMultistepScheduler",
        dict(SD, solver_order=3, algorithm_type="sde-dpmsolver++", use_karras_sigmas=True), 15, {},
        2602, STOCHASTIC),
    "dpmsolver_sde_pp3m_trailing_cosine_vpred_12": (
        "DPMSolverMultistepScheduler",
        dict(COSINE, solver_order=3, algorithm_type="sde-dpmsolver++",
             prediction_type="v_prediction", timestep_spacing="trailing"), 12, {}, 2603,
        STOCHASTIC),
    # LCM: its own timesteps (every T/original_inference_steps-th training step), a draw on every
    # step but the last.
    "lcm_scaled_linear_4": ("LCMScheduler", dict(SD), 4, {}, 2701, STOCHASTIC),
    "lcm_scaled_linear_8": ("LCMScheduler", dict(SD), 8, {}, 2702, STOCHASTIC),
    "lcm_original_100_cosine_vpred_10": (
        "LCMScheduler",
        dict(COSINE, prediction_type="v_prediction", original_inference_steps=100), 10, {}, 2703,
        STOCHASTIC),
    # DPM++ SDE (DPMSolverSDEScheduler, k-diffusion's sample_dpmpp_sde with r = 1/2): 2N-1 model
    # calls, a Brownian-tree draw on every call but the last. The tree's seed is the case's.
    "dpmsolver_sde_scaled_linear_10": (
        "DPMSolverSDEScheduler", dict(SD, noise_sampler_seed=2801), 10, {}, 2801, STOCHASTIC),
    "dpmsolver_sde_karras_scaled_linear_10": (
        "DPMSolverSDEScheduler", dict(SD, use_karras_sigmas=True, noise_sampler_seed=2802), 10, {},
        2802, STOCHASTIC),
    "dpmsolver_sde_leading_cosine_vpred_20": (
        "DPMSolverSDEScheduler",
        dict(COSINE, prediction_type="v_prediction", timestep_spacing="leading", steps_offset=1,
             noise_sampler_seed=2803), 20, {}, 2803, STOCHASTIC),
    # DEIS (deis, logrho, order 2): ends at sigma_min; under 15 steps the last step is first order.
    "deis_scaled_linear_20": ("DEISMultistepScheduler", dict(SD), 20, {}, 2501),
    "deis_karras_scaled_linear_12": (
        "DEISMultistepScheduler", dict(SD, use_karras_sigmas=True), 12, {}, 2502),
    "deis_trailing_cosine_vpred_12": (
        "DEISMultistepScheduler",
        dict(COSINE, prediction_type="v_prediction", timestep_spacing="trailing"), 12, {}, 2503),
}

# Cases whose schedule is passed to set_timesteps instead of being made from the config, with
# Emergence's name for that schedule (written to case.json as "schedule").
CUSTOM_SCHEDULES = {
    "euler_ays_scaled_linear_10": (
        "ays", dict(sigmas=diffusers.schedulers.AysSchedules["StableDiffusionSigmas"])),
}

class DrawRecorder:
    """Stands in for randn_tensor in the scheduler's module, and for the noise sampler
    DPMSolverSDEScheduler makes of torchsde's Brownian tree: records every tensor diffusers draws
    there (per step call), or hands out recorded ones instead of drawing. Only the draws of a
    STOCHASTIC case are kept (Euler draws its unused churn noise from the global generator)."""

    def __init__(self, cls_name, replay=None):
        self.module = sys.modules[getattr(diffusers, cls_name).__module__]
        self.replay = None if replay is None else list(replay)
        self.draws, self.per_call = [], []
        self.originals = {}

    def __enter__(self):
        for name, stand_in in (("randn_tensor", self.draw),
                               ("BrownianTreeNoiseSampler", self.brownian_tree)):
            if hasattr(self.module, name):
                self.originals[name] = getattr(self.module, name)
                setattr(self.module, name, stand_in)
        return self

    def __exit__(self, *exc):
        for name, original in self.originals.items():
            setattr(self.module, name, original)

    def take(self, draw):
        noise = torch.from_numpy(self.replay.pop(0)) if self.replay is not None else draw()
        self.draws.append(noise.clone())
        self.per_call[-1] += 1
        return noise

    def draw(self, *args, **kwargs):
        return self.take(lambda: self.originals["randn_tensor"](*args, **kwargs))

    def brownian_tree(self, *args, **kwargs):
        tree = self.originals["BrownianTreeNoiseSampler"](*args, **kwargs)
        return lambda sigma, sigma_next: self.take(lambda: tree(sigma, sigma_next))


def run(cls_name, kwargs, steps, step_kwargs, seed, x_init=None, set_kwargs=None, stochastic=False,
        replay=None):
    scheduler = getattr(diffusers, cls_name)(**kwargs)
    if set_kwargs:
        scheduler.set_timesteps(**set_kwargs)
    else:
        scheduler.set_timesteps(steps)
    generator = torch.Generator("cpu").manual_seed(seed) if seed is not None else None
    if x_init is None:
        x_init = torch.randn([1, 3, 8, 8], generator=generator, dtype=torch.float32)
    x = x_init * scheduler.init_noise_sigma
    trajectory, inputs, model_ts, outputs = [x], [], [], []
    # DPMSolverSDEScheduler.step() takes no generator: its Brownian tree has its own seed.
    takes_generator = "generator" in inspect.signature(scheduler.step).parameters
    extra = dict(generator=generator) if stochastic and takes_generator else {}
    with DrawRecorder(cls_name, replay) as recorder:
        for t in scheduler.timesteps:
            x_in = scheduler.scale_model_input(x, t)
            out = fake_model(x_in, float(t))
            recorder.per_call.append(0)
            x = scheduler.step(out, t, x, **step_kwargs, **extra).prev_sample
            inputs.append(x_in)
            model_ts.append(float(t))
            outputs.append(out)
            trajectory.append(x)
    return scheduler, x_init, trajectory, inputs, model_ts, outputs, recorder


def torchsde_version():
    import torchsde
    return torchsde.__version__


def write_case(name):
    cls_name, kwargs, steps, step_kwargs, seed, *flags = CASES[name]
    stochastic = STOCHASTIC in flags
    schedule, set_kwargs = CUSTOM_SCHEDULES.get(name, (None, None))
    scheduler, x_init, traj, inputs, model_ts, outputs, recorder = run(
        cls_name, kwargs, steps, step_kwargs, seed, set_kwargs=set_kwargs, stochastic=stochastic)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    scheduler.save_config(folder)
    arrays = {
        "x_init.npy": x_init.numpy(),
        "timesteps.npy": scheduler.timesteps.numpy().astype(np.float32),
        "alphas_cumprod.npy": scheduler.alphas_cumprod.numpy().astype(np.float32),
        "trajectory.npy": torch.stack(traj).numpy(),
        "model_inputs.npy": torch.stack(inputs).numpy(),
        "model_timesteps.npy": np.array(model_ts, dtype=np.float32),
        "model_outputs.npy": torch.stack(outputs).numpy(),
    }
    two_stage = hasattr(scheduler, "sigmas_interpol") or cls_name == "DPMSolverSDEScheduler"
    if hasattr(scheduler, "sigmas") and len(scheduler.sigmas) == len(outputs) + 1 and not two_stage:
        arrays["sigmas.npy"] = scheduler.sigmas.numpy().astype(np.float32)
    elif hasattr(scheduler, "sigmas_interpol"):
        # KDPM2: diffusers' own arrays (2N+2 entries each), not one sigma per model call.
        arrays["diffusers_sigmas.npy"] = scheduler.sigmas.numpy().astype(np.float32)
        arrays["diffusers_sigmas_interpol.npy"] = scheduler.sigmas_interpol.numpy().astype(np.float32)
    elif two_stage:
        # DPMSolverSDE: sigma_0, sigma_1 twice, ..., 0; the midpoints are made in step().
        arrays["diffusers_sigmas.npy"] = scheduler.sigmas.numpy().astype(np.float32)
    if stochastic:
        arrays["noises.npy"] = torch.stack(recorder.draws).numpy().astype(np.float32)
    for file, array in arrays.items():
        save(folder, file, array)
    case = {
        "case": name,
        "scheduler_class": cls_name,
        "config_passed": json_safe(kwargs),
        "config_full": json_safe(dict(scheduler.config)),
        "num_inference_steps": steps,
        "len_timesteps_after_set_timesteps": len(scheduler.timesteps),
        "step_kwargs": step_kwargs,
        "generator_passed_to_step": stochastic,
        "seed": seed,
        "x_init": "torch.randn([1,3,8,8], generator=torch.Generator('cpu').manual_seed(seed)); float32",
        "init_noise_sigma": float(scheduler.init_noise_sigma),
        "fake_model": FAKE_MODEL,
        "loop": f"scheduler = {cls_name}(**config_passed); scheduler.set_timesteps(num_inference_steps); "
                "x = x_init * init_noise_sigma; for t in scheduler.timesteps: "
                "x_in = scheduler.scale_model_input(x, t); out = fake_model(x_in, float(t)); "
                "x = scheduler.step(out, t, x, **step_kwargs).prev_sample",
        "model_calls": len(outputs),
        "timesteps_native_dtype": str(scheduler.timesteps.dtype).replace("torch.", ""),
        "peer": f"diffusers {diffusers.__version__}, torch {torch.__version__}, one thread",
        "files": sorted(["case.json", "scheduler_config.json"] + list(arrays)),
    }
    if stochastic:
        case["noise"] = {
            "count": len(recorder.draws),
            "draws_per_step_call": recorder.per_call,
            "how": "generator = torch.Generator('cpu').manual_seed(seed); x_init = "
                   "torch.randn([1,3,8,8], generator=generator) is the FIRST draw; the same generator "
                   "object is then passed as `generator=` to every scheduler.step call, and "
                   "noises.npy[k] is the k-th tensor the scheduler drew inside step() (its module's "
                   "randn_tensor, recorded as it returned). To replay, substitute noises.npy[k] for "
                   "the k-th draw.",
        }
        if cls_name == "DPMSolverSDEScheduler":
            case["noise"]["source"] = "brownian_tree"
            case["noise"]["how"] = (
                "x_init as above; noises.npy[k] is what the k-th call of the scheduler's "
                "BrownianTreeNoiseSampler(sigma, sigma_next) returned (torchsde "
                f"{torchsde_version()} BrownianInterval seeded with noise_sampler_seed): "
                "W(sigma_next) - W(sigma) over sqrt|sigma_next - sigma|, one per step call but "
                "the last. To replay, substitute noises.npy[k] for the k-th call.")
    if set_kwargs:
        case["set_timesteps_kwargs"] = set_kwargs
        case["schedule"] = schedule
        case["loop"] = case["loop"].replace("set_timesteps(num_inference_steps)",
                                            "set_timesteps(**set_timesteps_kwargs)")
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    check_replay(folder, cls_name, step_kwargs, steps, set_kwargs, stochastic)
    print(f"{name}: {len(outputs)} model calls, timesteps {scheduler.timesteps.tolist()}")


def check_replay(folder, cls_name, step_kwargs, steps, set_kwargs=None, stochastic=False):
    """Rebuilds the scheduler from the written config and reruns it from the written x_init,
    handing it the written noises in place of its draws."""
    config = json.load(open(os.path.join(folder, "scheduler_config.json")))
    kwargs = {k: v for k, v in config.items() if not k.startswith("_")}
    x_init = torch.from_numpy(np.load(os.path.join(folder, "x_init.npy")))
    replay = list(np.load(os.path.join(folder, "noises.npy"))) if stochastic else None
    _, _, traj, _, _, _, recorder = run(cls_name, kwargs, steps, step_kwargs, None, x_init,
                                        set_kwargs, stochastic=stochastic, replay=replay)
    if replay is not None and recorder.replay:
        raise SystemExit(f"{folder}: replay left {len(recorder.replay)} recorded noises unused")
    recorded = np.load(os.path.join(folder, "trajectory.npy"))
    if not np.array_equal(torch.stack(traj).numpy(), recorded):
        raise SystemExit(f"{folder}: replay from the written files differs")


for case_name in CASES:
    if not ONLY or case_name in ONLY:
        write_case(case_name)
