#!/usr/bin/python3
"""Records diffusers' AutoencoderKL and AutoencoderTiny (TAESD) as parity fixtures (tests/data/sd/).

Run with Debian's python3-torch 1.13.1 on a plain checkout of diffusers at tag v0.35.2 (its
`src` folder, with `scripts/` beside it) through shared/reference/kit:

    git --git-dir=DIFFUSERS_GIT archive v0.35.2 | tar -x -C /tmp/diffusers-v0.35.2
    /usr/bin/python3 tests/data/sd/generate_autoencoders.py \
        /tmp/diffusers-v0.35.2/src ../shared/reference/kit tests/data/sd [CASE ...]

Cases:
  vae_micro      AutoencoderKL with the SD layout at tiny width: decode of a [2,4,8,8] latent and
                 encode of a [2,3,64,64] image (mean, clamped logvar, one latent_dist.sample).
  taesd_default  AutoencoderTiny() at its real size, perturbed by 0.03·randn (see
                 TAESD_DEFAULT_SCALE), weights rounded to float16 and stored as F16 (the references
                 are computed from the rounded weights, so they are exact): decode
                 of a [1,4,16,16] latent, encode of a [1,3,128,128] image, and the decoder again in
                 madebyollin's original taesd_decoder.safetensors layout (layer index + 1).
  taesd_test     diffusers' own AutoencoderTiny test config (tests/models/autoencoders/vae.py:
                 get_autoencoder_tiny_config), F32, with both parts also in the original layout.

The original-layout files are made by inverting scripts/convert_tiny_autoencoder_to_diffusers.py;
before they are kept, that script itself is run on them and must give back the diffusers state
dict exactly. Every case is reloaded with from_pretrained and rerun before it is trusted. Nothing
of diffusers is changed or re-implemented here.
"""
import json
import os
import runpy
import sys
import tempfile

import numpy as np
import torch

DIFFUSERS_SRC, KIT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = set(sys.argv[4:])
sys.path.insert(0, KIT)
import offline_diffusers as od  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC)
torch.set_num_threads(1)
VERSION = diffusers.__version__
CONVERT_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(DIFFUSERS_SRC)), "scripts",
                              "convert_tiny_autoencoder_to_diffusers.py")
WEIGHTS = "diffusion_pytorch_model.safetensors"


def perturb(model, seed, scale=0.05):
    """Default init plus scale·randn on every parameter, so that no path is silently zero."""
    gen = torch.Generator("cpu").manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.add_(scale * torch.randn(p.shape, generator=gen))


def randn(shape, seed, scale=1.0):
    return torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed)) * scale


def save_npy(folder, name, tensor):
    np.save(os.path.join(folder, name + ".npy"), tensor.detach().numpy().astype(np.float32))


def write_case(folder, info):
    info = dict(info, diffusers_version=VERSION, torch_version=torch.__version__, threads=1)
    with open(os.path.join(folder, "case.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


def vae_micro():
    folder = os.path.join(OUT, "vae_micro")
    os.makedirs(folder, exist_ok=True)
    config = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
                  up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[8, 16, 16, 16],
                  layers_per_block=2, norm_num_groups=4, latent_channels=4, sample_size=64)
    torch.manual_seed(4001)
    vae = diffusers.AutoencoderKL(**config).eval()
    perturb(vae, 4008)
    vae.save_pretrained(folder, safe_serialization=True)

    z = randn([2, 4, 8, 8], 4101)
    image = torch.rand([2, 3, 64, 64], generator=torch.Generator("cpu").manual_seed(4102)) * 2 - 1
    sample_seed = 4103

    def run(model):
        with torch.no_grad():
            decoded = model.decode(z).sample
            dist = model.encode(image).latent_dist
            sample = dist.sample(generator=torch.Generator("cpu").manual_seed(sample_seed))
        return decoded, dist.mean, dist.logvar, sample

    outputs = run(vae)
    again = run(diffusers.AutoencoderKL.from_pretrained(folder).eval())
    assert all(torch.equal(a, b) for a, b in zip(outputs, again)), "vae_micro: reload differs"
    for name, tensor in zip(("decoded", "mean", "logvar", "sample"), outputs):
        save_npy(folder, name, tensor)
    save_npy(folder, "z", z)
    save_npy(folder, "image", image)
    # The real SD 1/2 VAE architecture, for a parameter count at full size (no weights kept).
    sd_config = dict(config, block_out_channels=[128, 256, 512, 512], norm_num_groups=32,
                     sample_size=512)
    sd_vae = diffusers.AutoencoderKL(**sd_config)
    write_case(folder, {
        "sd_architecture": {
            "config_passed": sd_config,
            "num_parameters": sum(p.numel() for p in sd_vae.parameters()),
            "decoder_num_parameters": sum(p.numel() for p in sd_vae.decoder.parameters())
            + sum(p.numel() for p in sd_vae.post_quant_conv.parameters()),
        },
        "case": "vae_micro",
        "model_class": "AutoencoderKL",
        "config_passed": config,
        "num_parameters": sum(p.numel() for p in vae.parameters()),
        "num_tensors": len(vae.state_dict()),
        "init": "torch.manual_seed(4001); AutoencoderKL(**config_passed); then every parameter "
                "p += 0.05 * randn(p.shape, generator=manual_seed(4008)) in named_parameters() order",
        "weights": WEIGHTS + ": save_pretrained(safe_serialization=True), float32",
        "z": "z.npy = randn([2,4,8,8], generator=manual_seed(4101)); decoded.npy = vae.decode(z).sample",
        "image": "image.npy = rand([2,3,64,64], generator=manual_seed(4102)) * 2 - 1; "
                 "mean.npy, logvar.npy = vae.encode(image).latent_dist.mean / .logvar (clamped)",
        "sample_seed": sample_seed,
        "sample": "sample.npy = latent_dist.sample(generator=torch.Generator('cpu').manual_seed(sample_seed))",
    })


def original_layout(state, part):
    """The inverse of convert_tiny_autoencoder_to_diffusers.py for one part: madebyollin's files
    have no prefix, and the decoder's layer indices are one higher (its index 0 is the clamp)."""
    prefix = part + ".layers."
    out = {}
    for name, tensor in state.items():
        if name.startswith(prefix):
            index, rest = name[len(prefix):].split(".", 1)
            shift = 1 if part == "decoder" else 0
            out[f"{int(index) + shift}.{rest}"] = tensor
    return out


def check_conversion_script(config, encoder_file, decoder_file, expected):
    """Runs diffusers' own conversion script on the original-layout files; its AutoencoderTiny()
    is given this case's config, the one thing the script hard-codes."""
    real = diffusers.AutoencoderTiny
    diffusers.AutoencoderTiny = lambda: real(**config)
    try:
        with tempfile.TemporaryDirectory() as dump:
            argv = sys.argv
            sys.argv = ["convert", "--dump_path", dump, "--encoder_ckpt_path", encoder_file,
                        "--decoder_ckpt_path", decoder_file, "--use_safetensors"]
            try:
                runpy.run_path(CONVERT_SCRIPT, run_name="__main__")
            finally:
                sys.argv = argv
            converted, _ = od.st_read(os.path.join(dump, WEIGHTS))
    finally:
        diffusers.AutoencoderTiny = real
    assert sorted(converted) == sorted(expected), "conversion: names differ"
    for name, tensor in expected.items():
        assert np.array_equal(converted[name], tensor.numpy()), "conversion: " + name + " differs"


def taesd(case, config, f16, latent_shape, image_shape, seed, commit_encoder, scale):
    folder = os.path.join(OUT, case)
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(seed)
    model = diffusers.AutoencoderTiny(**config).eval()
    perturb(model, seed + 7, scale)
    dtype = torch.float16 if f16 else torch.float32
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).float())  # the stored values are the ones that ran
    state = {k: v.detach().to(dtype) for k, v in model.state_dict().items()}
    model.save_config(folder)
    od.st_write(os.path.join(folder, WEIGHTS), state)

    latents = randn(latent_shape, seed + 100, scale=2.0)  # ±2σ reaches tanh(x/3)·3's bend
    image = torch.rand(image_shape, generator=torch.Generator("cpu").manual_seed(seed + 101)) * 2 - 1

    def run(m):
        with torch.no_grad():
            return m.decode(latents).sample, m.encode(image).latents

    decoded, encoded = run(model)
    again = run(diffusers.AutoencoderTiny.from_pretrained(folder).eval())
    assert torch.equal(decoded, again[0]) and torch.equal(encoded, again[1]), case + ": reload differs"
    for name, tensor in (("latents", latents), ("decoded", decoded), ("image", image),
                         ("encoded", encoded)):
        save_npy(folder, name, tensor)

    with tempfile.TemporaryDirectory() as scratch:
        files = {}
        for part in ("encoder", "decoder"):
            keep = part == "decoder" or commit_encoder
            path = os.path.join(folder if keep else scratch, f"taesd_{part}.safetensors")
            od.st_write(path, original_layout(state, part))
            files[part] = path
        check_conversion_script(config, files["encoder"], files["decoder"], state)
    write_case(folder, {
        "case": case,
        "model_class": "AutoencoderTiny",
        "config_passed": config,
        "num_parameters": sum(p.numel() for p in model.parameters()),
        "num_tensors": len(model.state_dict()),
        "init": f"torch.manual_seed({seed}); AutoencoderTiny(**config_passed); every parameter "
                f"p += {scale} * randn(p.shape, generator=manual_seed({seed + 7})); then "
                f"p = p.to({dtype}).float()",
        "weights": WEIGHTS + f": the state dict as {'F16' if f16 else 'F32'}; "
                   + ("taesd_encoder.safetensors and " if commit_encoder else "")
                   + "taesd_decoder.safetensors: the same tensors in madebyollin's layout, which "
                   "scripts/convert_tiny_autoencoder_to_diffusers.py turns back into exactly "
                   + WEIGHTS,
        "latents": f"latents.npy = 2 * randn({latent_shape}, generator=manual_seed({seed + 100})); "
                   "decoded.npy = model.decode(latents).sample",
        "image": f"image.npy = rand({image_shape}, generator=manual_seed({seed + 101})) * 2 - 1; "
                 "encoded.npy = model.encode(image).latents",
    })


# The real-size decoder is 19 convolutions deep: with 0.05 its outputs reach |x| ≈ 77 through
# cancellations, and diffusers' own float32 result is 7e-5 (scaled) from its float64 one, too close
# to the 1e-4 bound to tell a bug from rounding. 0.03 keeps the outputs within ±3, as real TAESD's
# are, with float32-vs-float64 differences of 1e-6.
TAESD_DEFAULT_SCALE = 0.03

CASES = {
    "vae_micro": vae_micro,
    "taesd_default": lambda: taesd("taesd_default", {}, True, [1, 4, 16, 16], [1, 3, 128, 128],
                                   4201, commit_encoder=False, scale=TAESD_DEFAULT_SCALE),
    "taesd_test": lambda: taesd(
        "taesd_test",
        dict(in_channels=3, out_channels=3, encoder_block_out_channels=[32, 32],
             decoder_block_out_channels=[32, 32], num_encoder_blocks=[1, 1],
             num_decoder_blocks=[1, 1]),
        False, [2, 4, 8, 8], [2, 3, 16, 16], 4401, commit_encoder=True, scale=0.05),
}

for name, make in CASES.items():
    if not ONLY or name in ONLY:
        make()
        print("wrote", name)
