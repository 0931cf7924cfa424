#!/usr/bin/python3
"""Records diffusers UNet2DConditionModel forward passes as parity fixtures (tests/data/sd/<case>/).

Run with Debian's python3-torch 1.13 on a plain checkout of diffusers at tag v0.35.2, through the
offline kit of shared/reference/kit:

    git --git-dir=DIFFUSERS_GIT archive v0.35.2 | tar -x -C /tmp/diffusers-v0.35.2
    /usr/bin/python3 tests/data/sd/generate_unet.py /tmp/diffusers-v0.35.2/src \
        ../shared/reference/kit tests/data/sd [CASE ...]

Each case is a UNet2DConditionModel built by diffusers from the constructor arguments below (its
default init, then p += 0.05·randn on every parameter), written as diffusers writes a model folder
(save_config's config.json, every state_dict entry in diffusion_pytorch_model.safetensors), called
once on seeded inputs, and reloaded with from_pretrained and rerun from the written files before
the output is kept. Nothing of diffusers is changed or re-implemented here.
"""
import json
import os
import sys

import numpy as np
import torch

DIFFUSERS_SRC, KIT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = set(sys.argv[4:])
sys.path.insert(0, KIT)
import offline_diffusers as od  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC)
torch.set_num_threads(1)

SD_DOWN = ["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"]
SD_UP = ["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3
SD1_MICRO = dict(block_out_channels=[8, 16, 16, 16], layers_per_block=2, norm_num_groups=4,
                 cross_attention_dim=16, attention_head_dim=4, down_block_types=SD_DOWN,
                 up_block_types=SD_UP, sample_size=8)

# name: (constructor kwargs, seed, latent size, timesteps, timestep dtype, why)
CASES = {
    # The SD 1.x layout at micro size: 4 levels, 2 layers, conv proj_in/out, 4 heads everywhere.
    "unet_sd1_micro": (SD1_MICRO, 5100, 16, [801.0, 35.5], torch.float32,
                       "SD 1.x topology: conv proj_in/out, one head count for every block"),
    # The SD 2.x layout: per-block head counts (diffusers' attention_head_dim), Linear proj_in/out,
    # upcast_attention, a different context width; integer timesteps as the SD pipelines pass them.
    "unet_sd2_micro": (dict(SD1_MICRO, attention_head_dim=[1, 2, 4, 4], use_linear_projection=True,
                            upcast_attention=True, cross_attention_dim=24),
                       5200, 16, [999, 1], torch.int64,
                       "SD 2.x topology: per-block heads, linear proj_in/out, upcast_attention"),
    # diffusers' own StableDiffusionPipeline test UNet (tests/pipelines/stable_diffusion/
    # test_stable_diffusion.py get_dummy_components): 8 heads of dimension 1.
    "unet_diffusers_test": (dict(block_out_channels=[4, 8], layers_per_block=1, sample_size=32,
                                 in_channels=4, out_channels=4,
                                 down_block_types=["DownBlock2D", "CrossAttnDownBlock2D"],
                                 up_block_types=["CrossAttnUpBlock2D", "UpBlock2D"],
                                 cross_attention_dim=8, norm_num_groups=2),
                            5300, 16, [500.0, 20.0], torch.float32,
                            "diffusers' SD pipeline test UNet: 2 levels, DownBlock2D first, "
                            "heads of dimension 1"),
    # A 72×104-pixel image's latent: 9×13 halves to 5×7, 3×4 and 2×2, so diffusers passes each
    # upsampler the size of the skip it meets (forward_upsample_size) instead of doubling.
    "unet_sd1_micro_odd": (SD1_MICRO, 5500, (9, 13), [640.0, 12.0], torch.float32,
                           "latent sizes that are not multiples of 8: upsample_size"),
    # The config keys SD 1/2 leave at their defaults but that the C++ model still honours.
    "unet_variants_micro": (dict(block_out_channels=[8, 16], layers_per_block=[1, 2],
                                 down_block_types=["CrossAttnDownBlock2D"] * 2,
                                 up_block_types=["CrossAttnUpBlock2D"] * 2,
                                 only_cross_attention=[True, False],
                                 transformer_layers_per_block=[2, 1], attention_head_dim=[2, 4],
                                 cross_attention_dim=[12, 12], norm_num_groups=4, norm_eps=1e-6,
                                 resnet_time_scale_shift="scale_shift", mid_block_scale_factor=1.5,
                                 time_embedding_dim=40, conv_in_kernel=1, conv_out_kernel=5,
                                 freq_shift=1, flip_sin_to_cos=False, center_input_sample=True,
                                 downsample_padding=0, sample_size=[8, 8]),
                            5400, 8, 250.25, torch.float64,
                            "per-block layers, transformer layers and only_cross_attention, "
                            "scale_shift resnets, odd kernels and time embedding, one float64 "
                            "timestep for the batch"),
}

BATCH, TOKENS = 2, 77


def perturb(model, seed):
    g = torch.Generator("cpu").manual_seed(seed)
    fractions = []
    with torch.no_grad():
        for _, p in model.named_parameters():
            before = p.clone()
            p += 0.05 * torch.randn(p.shape, generator=g)
            fractions.append(float((p != before).float().mean()))
    return min(fractions)


def save(folder, name, array):
    # np.ascontiguousarray would make a 0-d array (one timestep for the batch) 1-d.
    np.save(os.path.join(folder, name), np.array(array, order="C"))


def run(model, sample, timesteps, context):
    with torch.no_grad():
        return model(sample, timesteps, encoder_hidden_states=context).sample


def make_case(name, kwargs, seed, size, timesteps, t_dtype, why):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(seed)
    model = diffusers.UNet2DConditionModel(**kwargs)
    model.eval()
    changed = perturb(model, seed + 8)
    model.save_config(folder)
    state = model.state_dict()
    od.st_write(os.path.join(folder, "diffusion_pytorch_model.safetensors"),
                {k: v.contiguous() for k, v in state.items()})

    in_channels = model.config.in_channels
    width = model.config.cross_attention_dim
    width = width[0] if isinstance(width, (list, tuple)) else width
    height, width_px = size if isinstance(size, tuple) else (size, size)
    sample = torch.randn([BATCH, in_channels, height, width_px],
                         generator=torch.Generator("cpu").manual_seed(seed + 101))
    context = torch.randn([BATCH, TOKENS, width], generator=torch.Generator("cpu").manual_seed(seed + 202))
    t = torch.tensor(timesteps, dtype=t_dtype)
    output = run(model, sample, t, context)

    save(folder, "sample.npy", sample.numpy())
    save(folder, "timesteps.npy", t.numpy())
    save(folder, "encoder_hidden_states.npy", context.numpy())
    save(folder, "output.npy", output.numpy())

    # Replay from the written files only.
    again = diffusers.UNet2DConditionModel.from_pretrained(folder)
    again.eval()
    replay = run(again, torch.from_numpy(np.load(os.path.join(folder, "sample.npy"))),
                 torch.from_numpy(np.load(os.path.join(folder, "timesteps.npy"))),
                 torch.from_numpy(np.load(os.path.join(folder, "encoder_hidden_states.npy"))))
    if not torch.equal(replay, torch.from_numpy(np.load(os.path.join(folder, "output.npy")))):
        raise SystemExit(f"{name}: the reloaded model does not reproduce its output")

    processors = sorted({type(p).__name__ for p in model.attn_processors.values()})
    case = {
        "case": name,
        "why": why,
        "model_class": "UNet2DConditionModel",
        "diffusers_version": diffusers.__version__,
        "torch_version": torch.__version__,
        "config_passed": kwargs,
        "config_json": "config.json is written by diffusers' ModelMixin.save_config verbatim",
        "weights": "diffusion_pytorch_model.safetensors: every state_dict entry, float32, diffusers names",
        "num_parameters": sum(p.numel() for p in model.parameters()),
        "num_tensors": len(state),
        "init": f"torch.manual_seed({seed}); UNet2DConditionModel(**config_passed) (diffusers default "
                f"init); then every parameter p (named_parameters() order) gets p += 0.05 * "
                f"torch.randn(p.shape, generator=torch.Generator('cpu').manual_seed({seed + 8})). "
                f"Smallest per-tensor fraction of elements changed: {changed:.6f}",
        "sample": f"sample.npy = torch.randn([{BATCH},{in_channels},{size},{size}], "
                  f"generator=torch.Generator('cpu').manual_seed({seed + 101}))",
        "encoder_hidden_states": f"encoder_hidden_states.npy = torch.randn([{BATCH},{TOKENS},{width}], "
                                 f"generator=torch.Generator('cpu').manual_seed({seed + 202}))",
        "timesteps": timesteps,
        "timesteps_dtype": str(t_dtype).replace("torch.", ""),
        "call": "with torch.no_grad(): output = model(sample, timesteps, "
                "encoder_hidden_states=encoder_hidden_states).sample  (model.eval())",
        "attention_processor": processors,
        "replay": "UNet2DConditionModel.from_pretrained(folder) on the .npy files reproduces "
                  "output.npy exactly",
        "output_stats": {"min": float(output.min()), "max": float(output.max()),
                         "mean": float(output.mean()), "std": float(output.std())},
        "files": sorted(os.listdir(folder) + ["case.json"]),
    }
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    print(f"{name}: {case['num_parameters']} parameters, {case['num_tensors']} tensors, "
          f"|output| max {float(output.abs().max()):.4f}")


for case_name, spec in CASES.items():
    if not ONLY or case_name in ONLY:
        make_case(case_name, *spec)
