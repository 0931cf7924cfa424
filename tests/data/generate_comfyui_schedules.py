#!/usr/bin/python3
"""Records ComfyUI's schedule functions as fixtures (tests/data/comfyui_schedules/sigmas.json).

Run with Debian's python3-torch and python3-scipy, on plain checkouts of ComfyUI and of diffusers
v0.35.2:

    git --git-dir=COMFYUI_GIT archive a125cd84b054a57729b5eecab930ca9408719832 comfy/samplers.py \\
        comfy/model_sampling.py comfy/ldm/modules/diffusionmodules/util.py \\
        comfy/k_diffusion/sampling.py comfy_extras/nodes_align_your_steps.py \\
        | tar -x -C /tmp/comfyui-a125cd84
    /usr/bin/python3 tests/data/generate_comfyui_schedules.py /tmp/comfyui-a125cd84 \\
        /tmp/diffusers-v0.35.2/src ../shared/reference/kit tests/data/comfyui_schedules

ComfyUI's modules import much that is not here (model management, einops, …), so the functions
that make schedules are taken out of its files by name with `ast` and run unchanged, with only
torch, math, numpy, scipy.stats and functools.partial around them. The σ table they read is
diffusers' own training schedule (DDPMScheduler.alphas_cumprod in float32), so that the fixture
checks the schedule formulas and not the two libraries' rounding of the training schedule;
`native_table_max_rel_diff` records how far ComfyUI's own float64-then-float32 table is from it.
"""
import ast
import functools
import json
import math
import os
import subprocess
import sys
import types

import numpy
import scipy.stats
import torch

COMFY, DIFFUSERS_SRC, KIT, OUT = sys.argv[1:5]
sys.path.insert(0, KIT)
import offline_diffusers as od  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC)
torch.set_num_threads(1)

COMFY_COMMIT = "a125cd84b054a57729b5eecab930ca9408719832"
WANTED = {
    "comfy/samplers.py": ["simple_scheduler", "ddim_scheduler", "normal_scheduler",
                          "beta_scheduler", "kl_optimal_scheduler"],
    "comfy/k_diffusion/sampling.py": ["append_zero", "get_sigmas_karras", "get_sigmas_exponential"],
    "comfy/model_sampling.py": ["rescale_zero_terminal_snr_sigmas", "ModelSamplingDiscrete"],
    "comfy/ldm/modules/diffusionmodules/util.py": ["make_beta_schedule", "betas_for_alpha_bar"],
    "comfy_extras/nodes_align_your_steps.py": ["loglinear_interp", "NOISE_LEVELS"],
}

namespace = {"torch": torch, "math": math, "numpy": numpy, "np": numpy, "scipy": scipy,
             "partial": functools.partial}
lines = {}
for path, names in WANTED.items():
    source = open(os.path.join(COMFY, path)).read()
    tree = ast.parse(source)
    for node in tree.body:
        name = getattr(node, "name", None)
        if isinstance(node, ast.Assign):
            name = node.targets[0].id if isinstance(node.targets[0], ast.Name) else None
        if name in names:
            code = ast.get_source_segment(source, node)
            exec(compile(code, path, "exec"), namespace)
            lines[name] = f"{path}:{node.lineno}"
    missing = [n for n in names if n not in lines]
    if missing:
        raise SystemExit(f"{path}: not found: {missing}")
ns = types.SimpleNamespace(**namespace)

# Training schedules: diffusers' names and configs, and ComfyUI's sampling_settings for the same.
TRAINING = {
    "scaled_linear": (dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
                           beta_schedule="scaled_linear"),
                      dict(beta_schedule="linear", linear_start=0.00085, linear_end=0.012)),
    "squaredcos_cap_v2": (dict(num_train_timesteps=1000, beta_schedule="squaredcos_cap_v2"),
                          dict(beta_schedule="squaredcos_cap_v2")),
}


def model_sampling(training):
    diffusers_config, comfy_settings = TRAINING[training]
    try:
        ms = ns.ModelSamplingDiscrete(types.SimpleNamespace(sampling_settings=comfy_settings))
        native = ms.sigmas.clone()
    except TypeError as e:  # squaredcos_cap_v2: make_beta_schedule returns numpy, cumprod fails
        ms, native = ns.ModelSamplingDiscrete(), f"ComfyUI cannot build it: {e}".split("\n")[0]
    ac = diffusers.DDPMScheduler(**diffusers_config).alphas_cumprod
    ms.set_sigmas(((1 - ac) / ac) ** 0.5)
    if isinstance(native, str):
        return ms, native
    rel = float(((native.double() - ms.sigmas.double()).abs() / ms.sigmas.double()).max())
    return ms, rel


def comfy_sigmas(ms, scheduler, steps):
    """The handlers of SCHEDULER_HANDLERS (comfy/samplers.py), called as calculate_sigmas does."""
    if scheduler == "simple":
        return ns.simple_scheduler(ms, steps)
    if scheduler == "sgm_uniform":
        return ns.normal_scheduler(ms, steps, sgm=True)
    if scheduler == "normal":
        return ns.normal_scheduler(ms, steps)
    if scheduler == "ddim_uniform":
        return ns.ddim_scheduler(ms, steps)
    if scheduler == "beta":
        return ns.beta_scheduler(ms, steps)
    kwargs = dict(n=steps, sigma_min=float(ms.sigma_min), sigma_max=float(ms.sigma_max))
    if scheduler == "karras":
        return ns.get_sigmas_karras(**kwargs)
    if scheduler == "exponential":
        return ns.get_sigmas_exponential(**kwargs)
    if scheduler == "kl_optimal":
        return ns.kl_optimal_scheduler(**kwargs)
    raise ValueError(scheduler)


def ays_sigmas(levels, steps):
    """AlignYourStepsScheduler.execute with denoise 1 (comfy_extras/nodes_align_your_steps.py)."""
    sigmas = levels[:]
    if (steps + 1) != len(sigmas):
        sigmas = ns.loglinear_interp(sigmas, steps + 1)
    sigmas = sigmas[-(steps + 1):]
    sigmas[-1] = 0
    return torch.FloatTensor(sigmas)


def as_list(sigmas):
    return [None if math.isnan(s) else s for s in sigmas.float().tolist()]


# The table the AYS authors publish for SD 1.5 (also A1111's); ComfyUI's NOISE_LEVELS["SD1"] is
# the same to more digits.
PUBLISHED_AYS_SD15 = [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]

cases = []
tables = {}
for training in TRAINING:
    ms, rel = model_sampling(training)
    tables[training] = rel
    for scheduler in ["simple", "sgm_uniform", "normal", "ddim_uniform", "kl_optimal",
                      "exponential", "karras", "beta"]:
        for steps in [1, 7, 10, 20, 25, 30]:
            sigmas = comfy_sigmas(ms, scheduler, steps)
            cases.append(dict(scheduler=scheduler, training=training, steps=steps,
                              sigmas=as_list(sigmas)))
for steps in [1, 7, 10, 20, 30]:
    for table, levels in [("published", PUBLISHED_AYS_SD15), ("comfyui_sd1", ns.NOISE_LEVELS["SD1"])]:
        sigmas = ays_sigmas(levels, steps)
        cases.append(dict(scheduler="align_your_steps", training="any", ays_table=table, steps=steps,
                          sigmas=as_list(sigmas)))

# The same calls again must give the same numbers before they are kept.
for case in cases:
    if case["scheduler"] == "align_your_steps":
        levels = PUBLISHED_AYS_SD15 if case["ays_table"] == "published" else ns.NOISE_LEVELS["SD1"]
        again = ays_sigmas(levels, case["steps"])
    else:
        again = comfy_sigmas(model_sampling(case["training"])[0], case["scheduler"], case["steps"])
    if as_list(again) != case["sigmas"]:
        raise SystemExit(f"{case}: rerun differs")

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "sigmas.json"), "w") as f:
    text = json.dumps({
        "peer": f"ComfyUI {COMFY_COMMIT} (Comfy-Org/ComfyUI), torch {torch.__version__}, "
                f"numpy {numpy.__version__}, scipy {scipy.__version__}, one thread",
        "functions": lines,
        "sigma_table": "diffusers v0.35.2 DDPMScheduler(**training).alphas_cumprod (float32), "
                       "sigma = ((1 - a) / a) ** 0.5, set with ModelSamplingDiscrete.set_sigmas",
        "training": {k: v[0] for k, v in TRAINING.items()},
        "native_table_max_rel_diff": tables,
        "note": "sigmas: what the function returned (float32), the final 0 included; NaN is "
                "written as null (kl_optimal divides by steps - 1)",
        "cases": cases,
    }, indent=1, allow_nan=False)
    f.write(text + "\n")
for case in cases:
    print(case["scheduler"], case["training"], case.get("ays_table", ""), case["steps"],
          len(case["sigmas"]) - 1, "steps")
print("native table vs diffusers':", tables)
