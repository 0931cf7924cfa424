#!/usr/bin/python3
"""Writes tiny single-file (LDM/CompVis layout) Stable Diffusion 1 and 2 checkpoints, each beside
the diffusers pipeline folder it was made from.

Run with Debian's python3-torch 1.13.1 on a plain checkout of diffusers at tag v0.35.2,
openai/CLIP (commit d05afc4) and the reference kit:

    /usr/bin/python3 tests/data/sd/generate_single_file.py /tmp/diffusers-v0.35.2/src \
        /tmp/CLIP ../shared/reference/kit tests/data/sd

For each of sd1 and sd2 it writes tests/data/sd/single_file/<name>/ (a StableDiffusionPipeline
folder: unet/, vae/, scheduler/ and model_index.json by diffusers' save_pretrained, text_encoder/
in transformers' layout by clip_text_reference, tokenizer/ by clip_vocab_files with SD 1's or
SD 2's padding) and tests/data/sd/single_file/<name>.safetensors, the same weights under the
names model sites use (model.diffusion_model.*, first_stage_model.*, cond_stage_model.*).

The single file is the inverse of diffusers' own conversion, and is checked by running it:
single_file_utils.convert_ldm_unet_checkpoint / convert_ldm_vae_checkpoint /
convert_ldm_clip_checkpoint (SD 1) / convert_open_clip_checkpoint (SD 2) must give back exactly
the folder's state dicts, tensor for tensor, dtype included (SD 1's position_ids, which
diffusers' CLIPTextModel loads with strict=False, aside).

The configs follow what Emergence infers from a single file's shapes (docs/stable_diffusion.md):
GroupNorm of 32 groups, SD 1's UNet 8 heads, SD 2's UNet and the text encoders heads of 64
channels (one head where a block is narrower, as these are), SD 2's text tower one resblock longer than diffusers keeps
(its resblock 23 here, the real one's index, which diffusers drops by name). The files also carry
what real checkpoints carry and a loader must skip: EMA copies under model_ema.* (flattened
names), model_ema.num_updates (I64), the schedule buffers (betas, alphas_cumprod, ...), SD 1's
position_ids (I64), SD 2's text_projection and logit_scale; and F16, BF16 and F32 tensors (the
folder holds the same dtypes, so both hold the same values).

The v-prediction probe of A1111 / stable-diffusion.cpp (is_using_v_parameterization_for_sd2) is
run on diffusers' UNet and recorded in single_file/case.json; the SD 2 folder's scheduler gets
the prediction type it gives, as Emergence does for the file.
"""
import json
import os
import shutil
import sys

import numpy as np
import torch

DIFFUSERS_SRC, CLIP_DIR, KIT, OUT = sys.argv[1:5]
sys.path.insert(0, KIT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import offline_diffusers as od  # noqa: E402

diffusers = od.import_diffusers(DIFFUSERS_SRC, transformers_placeholder=True)
from diffusers.loaders import single_file_utils as sfu  # noqa: E402

import clip_text_reference as ctr  # noqa: E402
from clip_vocab_files import write_tokenizer_folder  # noqa: E402
from generate_pipeline import baddbmm_zeroed_result, perturb  # noqa: E402,F401 (guards baddbmm)

torch.set_num_threads(1)
ROOT = os.path.join(OUT, "single_file")
GZ = os.path.join(CLIP_DIR, "clip", "bpe_simple_vocab_16e6.txt.gz")
ctr.DEFAULT_CLIP_MODEL_PY = os.path.join(CLIP_DIR, "clip", "model.py")

VAE = dict(block_out_channels=[32, 32], layers_per_block=1, norm_num_groups=32, latent_channels=4,
           down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
           scaling_factor=0.18215)
CASES = {
    "sd1": dict(
        unet=dict(block_out_channels=(32, 32), layers_per_block=2, norm_num_groups=32,
                  cross_attention_dim=4, attention_head_dim=8,
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), sample_size=64),
        text=dict(ctr.CLIP_TEXT_CONFIG_DEFAULTS, hidden_size=4, intermediate_size=16,
                  num_attention_heads=1, num_hidden_layers=3, hidden_act="quick_gelu",
                  projection_dim=4),
        extra_resblocks=0, pad="<|endoftext|>", seed=13100, dtype=torch.float16),
    "sd2": dict(
        unet=dict(block_out_channels=(32, 32), layers_per_block=1, norm_num_groups=32,
                  cross_attention_dim=4, attention_head_dim=(1, 1), use_linear_projection=True,
                  down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                  up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), sample_size=64),
        text=dict(ctr.CLIP_TEXT_CONFIG_DEFAULTS, hidden_size=4, intermediate_size=16,
                  num_attention_heads=1, num_hidden_layers=23, hidden_act="gelu",
                  projection_dim=4),
        extra_resblocks=1, pad="!", seed=13200, dtype=torch.bfloat16),
}
# SCHEDULER_DEFAULT_CONFIG of diffusers' loaders/single_file_utils.py, as DDIM.
SCHEDULER = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
                 beta_schedule="scaled_linear", steps_offset=1, set_alpha_to_one=False,
                 clip_sample=False, timestep_spacing="leading")

RESNET = (("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"),
          ("conv2", "out_layers.3"), ("time_emb_proj", "emb_layers.1"),
          ("conv_shortcut", "skip_connection"))


def resnet_to_ldm(rest):
    for diffusers_name, ldm_name in RESNET:
        if rest.startswith(diffusers_name + "."):
            return ldm_name + rest[len(diffusers_name):]
    raise KeyError(rest)


def unet_to_ldm(state, config):
    """diffusers UNet2DConditionModel names -> model.diffusion_model.* (input_blocks.k, middle_block,
    output_blocks.k with L + 1 entries per level), the inverse of convert_ldm_unet_checkpoint."""
    fixed = sfu.DIFFUSERS_TO_LDM_MAPPING["unet"]["layers"]
    per_level = config["layers_per_block"] + 1
    out = {}
    for name, t in state.items():
        parts = name.split(".")
        if name in fixed:
            ldm = fixed[name]
        elif parts[0] == "down_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            if kind == "resnets":
                ldm = f"input_blocks.{1 + i * per_level + j}.0.{resnet_to_ldm(rest)}"
            elif kind == "attentions":
                ldm = f"input_blocks.{1 + i * per_level + j}.1.{rest}"
            else:  # downsamplers.0.conv.*
                ldm = f"input_blocks.{(i + 1) * per_level}.0.op.{'.'.join(parts[5:])}"
        elif parts[0] == "mid_block":
            j, rest = int(parts[2]), ".".join(parts[3:])
            ldm = (f"middle_block.{2 * j}.{resnet_to_ldm(rest)}" if parts[1] == "resnets"
                   else f"middle_block.1.{rest}")
        elif parts[0] == "up_blocks":
            i, kind, j, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
            if kind == "resnets":
                ldm = f"output_blocks.{i * per_level + j}.0.{resnet_to_ldm(rest)}"
            elif kind == "attentions":
                ldm = f"output_blocks.{i * per_level + j}.1.{rest}"
            else:  # upsamplers.0.conv.*: after the resnet, and after the attention if there is one
                has_attention = any(k.startswith(f"up_blocks.{i}.attentions.") for k in state)
                ldm = (f"output_blocks.{i * per_level + per_level - 1}."
                       f"{2 if has_attention else 1}.conv.{'.'.join(parts[5:])}")
        else:
            raise KeyError(name)
        out["model.diffusion_model." + ldm] = t
    return out


def vae_to_ldm(state, config):
    """diffusers AutoencoderKL names -> first_stage_model.* (decoder levels numbered in reverse,
    mid attention as 1x1 convs), the inverse of convert_ldm_vae_checkpoint."""
    fixed = sfu.DIFFUSERS_TO_LDM_MAPPING["vae"]
    attention = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
    levels = len(config["up_block_types"])
    out = {}
    for name, t in state.items():
        coder, parts = name.split(".", 1)[0], name.split(".")
        if name in fixed:
            ldm = fixed[name]
        elif parts[1] in ("down_blocks", "up_blocks"):
            i = int(parts[2]) if parts[1] == "down_blocks" else levels - 1 - int(parts[2])
            level = f"{coder}.{'down' if parts[1] == 'down_blocks' else 'up'}.{i}"
            if parts[3] == "resnets":
                rest = ".".join(parts[5:]).replace("conv_shortcut", "nin_shortcut")
                ldm = f"{level}.block.{parts[4]}.{rest}"
            else:  # downsamplers.0.conv / upsamplers.0.conv
                sampler = "downsample" if parts[1] == "down_blocks" else "upsample"
                ldm = f"{level}.{sampler}.conv.{parts[-1]}"
        elif parts[1] == "mid_block" and parts[2] == "resnets":
            rest = ".".join(parts[4:]).replace("conv_shortcut", "nin_shortcut")
            ldm = f"{coder}.mid.block_{int(parts[3]) + 1}.{rest}"
        elif parts[1] == "mid_block" and parts[2] == "attentions":
            rest = ".".join(parts[4:-1])
            ldm = f"{coder}.mid.attn_1.{attention[rest]}.{parts[-1]}"
            if t.dim() == 2:
                t = t[:, :, None, None]
        else:
            raise KeyError(name)
        out["first_stage_model." + ldm] = t
    return out


def build(case):
    torch.manual_seed(case["seed"])
    unet = diffusers.UNet2DConditionModel(**case["unet"])
    perturb(unet, case["seed"] + 8)
    torch.manual_seed(case["seed"] + 100)
    vae = diffusers.AutoencoderKL(**VAE)
    perturb(vae, case["seed"] + 108)
    text = ctr.ClipTextReference(case["text"], seed=case["seed"] + 200,
                                 extra_resblocks=case["extra_resblocks"])
    for model in (unet, vae):
        for p in model.parameters():
            p.data = stored(p.data, case["dtype"])
    return unet.eval(), vae.eval(), text


def stored(t, dtype):
    """The dtype a tensor is stored in: F32 for vectors (biases, norms), the case's F16 or BF16
    for the rest, so every file mixes two of them and the two files all three."""
    return t.float() if t.dim() <= 1 else t.to(dtype)


def v_prediction_probe(unet):
    """A1111 sd_models_config.is_using_v_parameterization_for_sd2 (= stable-diffusion.cpp's): the
    UNet in float32 on an 8x8 latent of 0.5, a 2-token context of 0.5, t = 999;
    v-prediction if mean(out - x) < -1."""
    probe = diffusers.UNet2DConditionModel.from_config(unet.config).eval()
    probe.load_state_dict({k: v.float() for k, v in unet.state_dict().items()})
    # (the folder's and the file's values, upcast: what the probe runs in Emergence too)
    x = torch.full([1, 4, 8, 8], 0.5)
    context = torch.full([1, 2, unet.config.cross_attention_dim], 0.5)
    with torch.no_grad():
        mean = float((probe(x, torch.tensor([999]), context).sample - x).mean())
    return mean, mean < -1


def single_file(name, case, unet, vae, text):
    unet_state = {k: v.detach().clone() for k, v in unet.state_dict().items()}
    vae_state = {k: v.detach().clone() for k, v in vae.state_dict().items()}
    text_state = {k: stored(v, case["dtype"]) for k, v in text.transformers_state_dict().items()}
    tensors = dict(unet_to_ldm(unet_state, unet.config))
    tensors.update(vae_to_ldm(vae_state, vae.config))
    if name == "sd1":
        for k, v in text_state.items():
            tensors["cond_stage_model.transformer." + k] = v
        tensors["cond_stage_model.transformer.text_model.embeddings.position_ids"] = (
            torch.arange(77, dtype=torch.int64)[None])
    else:
        for k, v in text.openclip_state_dict().items():
            tensors["cond_stage_model.model." + k] = stored(v, case["dtype"])
    # What an LDM training checkpoint carries besides the three models (ldm/models/diffusion/
    # ddpm.py register_schedule, ldm/modules/ema.py LitEma), to be skipped.
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float64) ** 2
    alphas_cumprod = torch.cumprod(1 - betas, 0)
    tensors.update(betas=betas.float(), alphas_cumprod=alphas_cumprod.float(),
                   alphas_cumprod_prev=torch.cat([torch.ones(1), alphas_cumprod[:-1].float()]))
    tensors["model_ema.num_updates"] = torch.tensor(4242, dtype=torch.int64)
    tensors["model_ema.decay"] = torch.tensor(0.9999)
    for k in sorted(k for k in tensors if k.startswith("model.diffusion_model."))[:12]:
        tensors["model_ema." + "".join(k.split(".")[1:])] = tensors[k] * 0.5
    return tensors, unet_state, vae_state, text_state


def check_conversion(name, tensors, unet, vae, text, unet_state, vae_state, text_state):
    """diffusers' conversion of the single file gives back the folder's state dicts exactly."""
    def same(got, want, what):
        assert got.keys() == want.keys(), (what, sorted(set(got) ^ set(want))[:8])
        for k in want:
            assert got[k].dtype == want[k].dtype and torch.equal(got[k], want[k]), (what, k)

    same(sfu.convert_ldm_unet_checkpoint(tensors, dict(unet.config)), unet_state, "unet")
    same(sfu.convert_ldm_vae_checkpoint(tensors, dict(vae.config)), vae_state, "vae")
    if name == "sd1":
        got = sfu.convert_ldm_clip_checkpoint(tensors)
        got.pop("text_model.embeddings.position_ids")
    else:
        # The text model is read only when the file has no text_projection (its rows split
        # in_proj); this one has, and SD_2_TEXT_ENCODER_KEYS_TO_IGNORE drops it and resblock 23.
        got = sfu.convert_open_clip_checkpoint(None, tensors)
    same(got, text_state, "text_encoder")


def write_folder(name, case, unet, vae, text, text_state, prediction_type):
    folder = os.path.join(ROOT, name)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    scheduler = diffusers.DDIMScheduler(**SCHEDULER, prediction_type=prediction_type)
    pipe = diffusers.StableDiffusionPipeline(
        vae=vae, text_encoder=None, tokenizer=None, unet=unet, scheduler=scheduler,
        safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(folder)
    index_path = os.path.join(folder, "model_index.json")
    with open(index_path) as f:
        index = json.load(f)
    index["text_encoder"] = ["transformers", "CLIPTextModel"]
    index["tokenizer"] = ["transformers", "CLIPTokenizer"]
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
        f.write("\n")
    encoder = os.path.join(folder, "text_encoder")
    text.save_pretrained(encoder)
    od.st_write(os.path.join(encoder, "model.safetensors"), text_state, metadata={"format": "pt"})
    tokenizer = os.path.join(folder, "tokenizer")
    write_tokenizer_folder(GZ, tokenizer, case["pad"])
    # vocab.json and merges.txt are tiny_sd1's, byte for byte: links keep the data small.
    for big in ("vocab.json", "merges.txt"):
        with open(os.path.join(tokenizer, big), "rb") as a, \
                open(os.path.join(OUT, "tiny_sd1", "tokenizer", big), "rb") as b:
            assert a.read() == b.read(), big
        os.remove(os.path.join(tokenizer, big))
        os.symlink(os.path.join("..", "..", "..", "tiny_sd1", "tokenizer", big),
                   os.path.join(tokenizer, big))
    return folder


def check_folder(folder, unet_state, vae_state, text_state):
    """The written folder reloads (diffusers from_pretrained) to the same tensors and dtypes."""
    unet = diffusers.UNet2DConditionModel.from_pretrained(os.path.join(folder, "unet"))
    vae = diffusers.AutoencoderKL.from_pretrained(os.path.join(folder, "vae"))
    for got, want in ((unet.state_dict(), unet_state), (vae.state_dict(), vae_state)):
        assert all(torch.equal(got[k].to(want[k].dtype), want[k]) for k in want)
    for part, want in (("unet/diffusion_pytorch_model", unet_state),
                       ("vae/diffusion_pytorch_model", vae_state), ("text_encoder/model", text_state)):
        stored, _ = od.st_read(os.path.join(folder, part + ".safetensors"))
        assert stored.keys() == want.keys(), part
        for k, v in want.items():
            assert torch.equal(torch.from_numpy(np.array(stored[k])).to(v.dtype), v), (part, k)


def main():
    os.makedirs(ROOT, exist_ok=True)
    record = {"diffusers_version": diffusers.__version__, "torch_version": torch.__version__,
              "openai_clip_commit": ctr.OPENAI_CLIP_COMMIT, "vae_config": VAE,
              "scheduler_config": SCHEDULER, "cases": {}}
    for name, case in CASES.items():
        unet, vae, text = build(case)
        mean, v = v_prediction_probe(unet)
        tensors, unet_state, vae_state, text_state = single_file(name, case, unet, vae, text)
        check_conversion(name, tensors, unet, vae, text, unet_state, vae_state, text_state)
        prediction = "v_prediction" if v else "epsilon"
        folder = write_folder(name, case, unet, vae, text, text_state, prediction)
        check_folder(folder, unet_state, vae_state, text_state)
        path = os.path.join(ROOT, name + ".safetensors")
        od.st_write(path, tensors, metadata={"format": "pt"})
        reread, _ = od.st_read(path)
        assert reread.keys() == tensors.keys()
        record["cases"][name] = {
            "file": name + ".safetensors", "folder": name,
            "unet_config": case["unet"], "text_encoder_config": case["text"],
            "openclip_extra_resblocks": case["extra_resblocks"], "pad_token": case["pad"],
            "dtypes": f"vectors float32, the rest {case['dtype']}",
            "seeds": {"unet": case["seed"], "vae": case["seed"] + 100,
                      "text_encoder": case["seed"] + 200},
            "probe_mean_out_minus_x": mean, "probe_says_v_prediction": v,
            "folder_prediction_type": prediction,
            "file_tensors": len(tensors), "file_bytes": os.path.getsize(path),
            "init": "torch.manual_seed(seed); diffusers model(**config); every parameter += 0.05 "
                    "* randn (seed + 8 / + 108, generate_pipeline.perturb); text encoder: "
                    + text.init_note,
        }
        print(f"{name}: {len(tensors)} tensors, {os.path.getsize(path)} bytes; probe mean "
              f"{mean:.4f} -> {prediction}")
    record["checks"] = (
        "diffusers' convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint and "
        "convert_ldm_clip_checkpoint / convert_open_clip_checkpoint give back the folder's state "
        "dicts exactly (names, dtypes, values); the folders reload through diffusers' "
        "from_pretrained to the same tensors")
    with open(os.path.join(ROOT, "case.json"), "w") as f:
        json.dump(record, f, indent=2, default=list)
        f.write("\n")


if __name__ == "__main__":
    main()
