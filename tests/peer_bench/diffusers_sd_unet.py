#!/usr/bin/python3
"""The diffusers side of Emergence's Stable Diffusion benchmark: SD 1.5's networks, random weights.

Run with Debian's python3-torch 1.13.1 on a plain checkout of diffusers at tag v0.35.2 and the
reference kit (shared/reference/kit), for example:

    /usr/bin/python3 tests/peer_bench/diffusers_sd_unet.py /tmp/diffusers-v0.35.2/src \
        ../shared/reference/kit --model unet --threads 2 --steps 3
    /usr/bin/python3 tests/peer_bench/diffusers_sd_unet.py ... --model vae --sizes 256 512
    /usr/bin/python3 tests/peer_bench/diffusers_sd_unet.py ... --model taesd --sizes 256 512

unet: UNet2DConditionModel with SD 1.5's unet/config.json (runwayml/stable-diffusion-v1-5), one
denoising call as the pipeline makes it under classifier-free guidance: batch 2, a latent of
image/8, a 77×768 context, one timestep. vae: AutoencoderKL with SD's vae/config.json, decode of
one latent (what the pipeline times after its loop). taesd: AutoencoderTiny's defaults (madebyollin
/taesd), decode of one latent. Each measurement is one warm-up call and then --steps timed calls
under torch.no_grad(), printed as one JSON line. Weights are diffusers' default initialisation:
the cost does not depend on their values. Peak RSS is the process's (resource.getrusage), so run
one --model per process to read each network's own peak.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import torch

# unet/config.json of runwayml/stable-diffusion-v1-5 (the fields that shape the network).
SD15_UNET = dict(
    sample_size=64, in_channels=4, out_channels=4, center_input_sample=False,
    flip_sin_to_cos=True, freq_shift=0,
    down_block_types=["CrossAttnDownBlock2D"] * 3 + ["DownBlock2D"],
    up_block_types=["UpBlock2D"] + ["CrossAttnUpBlock2D"] * 3,
    block_out_channels=[320, 640, 1280, 1280], layers_per_block=2, downsample_padding=1,
    mid_block_scale_factor=1, act_fn="silu", norm_num_groups=32, norm_eps=1e-5,
    cross_attention_dim=768, attention_head_dim=8)
# vae/config.json of runwayml/stable-diffusion-v1-5.
SD_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=4, sample_size=512,
    down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
    block_out_channels=[128, 256, 512, 512], layers_per_block=2, act_fn="silu",
    norm_num_groups=32, scaling_factor=0.18215)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("diffusers_src", help="the src folder of a diffusers v0.35.2 checkout")
    p.add_argument("kit", help="shared/reference/kit (offline_diffusers.py)")
    p.add_argument("--model", choices=["unet", "vae", "taesd"], default="unet")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--steps", type=int, default=3, help="timed calls after one warm-up")
    p.add_argument("--sizes", type=int, nargs="+", default=[256],
                   help="image sizes in pixels (square), latent = size / 8")
    p.add_argument("--batch", type=int, default=2, help="UNet batch (2 = CFG's uncond + cond)")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def time_calls(fn, steps):
    with torch.no_grad():
        t0 = time.perf_counter()
        out = fn()
        warmup = time.perf_counter() - t0
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
    return warmup, times, out


def build(diffusers, model):
    t0 = time.perf_counter()
    if model == "unet":
        net = diffusers.UNet2DConditionModel(**SD15_UNET)
    elif model == "vae":
        net = diffusers.AutoencoderKL(**SD_VAE)
    else:
        net = diffusers.AutoencoderTiny()
    return net.eval(), time.perf_counter() - t0


def attention_processors(net):
    return sorted({type(p).__name__ for p in net.attn_processors.values()}) if hasattr(
        net, "attn_processors") else []


def main():
    args = parse_args()
    sys.path.insert(0, args.kit)
    import offline_diffusers as od
    diffusers = od.import_diffusers(args.diffusers_src)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net, build_s = build(diffusers, args.model)
    params = sum(p.numel() for p in net.parameters())
    g = torch.Generator("cpu").manual_seed(args.seed + 1)
    for size in args.sizes:
        if size % 8:
            raise SystemExit(f"--sizes {size}: not a multiple of 8")
        lat = size // 8
        if args.model == "unet":
            sample = torch.randn([args.batch, 4, lat, lat], generator=g)
            context = torch.randn([args.batch, 77, 768], generator=g)
            t = torch.tensor(500)

            def call():
                return net(sample, t, encoder_hidden_states=context, return_dict=False)[0]
        elif args.model == "vae":
            z = torch.randn([1, 4, lat, lat], generator=g) / SD_VAE["scaling_factor"]

            def call():
                return net.decode(z, return_dict=False)[0]
        else:
            z = torch.randn([1, 4, lat, lat], generator=g)

            def call():
                return net.decode(z, return_dict=False)[0]
        warmup, times, out = time_calls(call, args.steps)
        print(json.dumps({
            "peer": "diffusers", "diffusers_version": diffusers.__version__,
            "torch_version": torch.__version__, "model": args.model,
            "class": type(net).__name__, "attention_processors": attention_processors(net),
            "parameters": params, "image_size": size, "latent_size": lat,
            "batch": args.batch if args.model == "unet" else 1,
            "output_shape": list(out.shape), "output_finite": bool(torch.isfinite(out).all()),
            "threads": torch.get_num_threads(), "warmup_s": round(warmup, 4),
            "timed_calls": len(times), "times_s": [round(x, 4) for x in times],
            "median_s": round(statistics.median(times), 4) if times else None,
            "min_s": round(min(times), 4) if times else None,
            "build_s": round(build_s, 2), "peak_rss_mib": round(peak_rss_mib(), 1),
            "cpu_count": os.cpu_count(), "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
            "machine": platform.machine()}), flush=True)


if __name__ == "__main__":
    main()
