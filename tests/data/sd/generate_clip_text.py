#!/usr/bin/python3
"""Records tiny CLIP text encoders run by openai/CLIP's clip/model.py (tests/data/sd/clip_*_tiny/).

Run with Debian's python3-torch 1.13.1 (and numpy) on a checkout of openai/CLIP (commit d05afc4;
only clip/model.py is imported, by path) and the reference kit:

    /usr/bin/python3 tests/data/sd/generate_clip_text.py /work/peers/CLIP/clip/model.py \
        ../shared/reference/kit tests/data/sd [CASE ...]

Each case is an encoder as transformers' CLIPTextModel is configured (config.json), computed by
clip_text_reference.py (beside this file: openai's text transformer with the configured MLP width,
and exact GELU for "gelu" as OpenCLIP has it). Written per case: model.safetensors (transformers
names, F32), openclip.safetensors (OpenCLIP names as LDM files carry them under
cond_stage_model.model., with text_projection and logit_scale, and for SD 2 one more resblock than
the encoder uses), input_ids.npy (int64), hidden_states_<i>.npy (i = 0 embeddings, i = layer),
last_hidden_state.npy, clip_skip_1.npy (final_layer_norm(hidden_states[-2])), short_* for the
first 20 positions, and for SD 1 model_f16.safetensors with f16_*.npy computed from the F16-rounded
weights. Every output is replayed from the written files before the case is kept.
"""
import json
import os
import sys

import numpy as np
import torch

CLIP_MODEL_PY, KIT, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = set(sys.argv[4:])
sys.dont_write_bytecode = True  # no __pycache__ beside the committed data
sys.path.insert(0, KIT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import offline_diffusers as od  # noqa: E402
import clip_text_reference as ctr  # noqa: E402

torch.set_num_threads(1)
SHORT = 20

# name: (config, seed, extra OpenCLIP resblocks, write an F16 copy)
CASES = {
    "clip_sd1_tiny": (ctr.SD1_TINY, 4001, 0, True),
    # SD 2's LDM files carry 24 resblocks of which diffusers' encoder uses 23.
    "clip_sd2_tiny": (ctr.SD2_TINY, 4002, 1, False),
}


def make_ids(config, seed):
    """Two prompts as the SD tokenizers pad them: bos, words, eos, then padding to 77 (SD 1 pads
    with eos, SD 2 with 0); the second fills the context and holds the largest id."""
    g = torch.Generator("cpu").manual_seed(seed)
    t, v = config["max_position_embeddings"], config["vocab_size"]
    bos, eos = config["bos_token_id"], config["eos_token_id"]
    pad = eos if config["hidden_act"] == "quick_gelu" else 0
    words = torch.randint(3, v, (t - 2,), generator=g)
    first = torch.full((t,), pad, dtype=torch.int64)
    first[0], first[1:13], first[13] = bos, words[:12], eos
    second = torch.cat([torch.tensor([bos]), torch.randint(3, v, (t - 2,), generator=g),
                        torch.tensor([eos])])
    second[40] = v - 1
    return torch.stack([first, second])


def outputs(ref, ids):
    out = ref.run(ids)
    result = {f"hidden_states_{i}": h for i, h in enumerate(out["hidden_states"])}
    result["last_hidden_state"] = out["last_hidden_state"]
    result["clip_skip_1"] = ref.encode(ids, clip_skip=1)
    short = ref.run(ids[:, :SHORT])
    result["short_last_hidden_state"] = short["last_hidden_state"]
    result["short_clip_skip_1"] = ref.encode(ids[:, :SHORT], clip_skip=1)
    return result


def save_npys(folder, prefix, arrays):
    for name, tensor in arrays.items():
        np.save(os.path.join(folder, prefix + name + ".npy"),
                tensor.detach().numpy().astype(np.float32))


def replay(folder, config, weights, prefix, ids):
    """Outputs of a fresh reference (other seed) loaded from the written weights, compared with
    the written .npy files: must be bit for bit."""
    ref = ctr.ClipTextReference(config, seed=1, perturbation=0)
    tensors, _ = od.st_read(os.path.join(folder, weights))
    ref.load_transformers_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})
    for name, tensor in outputs(ref, ids).items():
        stored = np.load(os.path.join(folder, prefix + name + ".npy"))
        if not np.array_equal(stored, tensor.numpy()):
            raise SystemExit(f"{folder}: {prefix}{name} does not replay from {weights}")


def replay_openclip(folder, ref):
    """The OpenCLIP file loaded into the peer's own CLIP modules (load_state_dict, strict for the
    text part) reproduces the outputs."""
    other = ctr.ClipTextReference(ref.config, seed=1, perturbation=0,
                                  extra_resblocks=len(ref.clip.transformer.resblocks) - ref.layers)
    tensors, _ = od.st_read(os.path.join(folder, "openclip.safetensors"))
    state = other.clip.state_dict()
    state.update({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})
    other.clip.load_state_dict(state, strict=True)
    ids = torch.from_numpy(np.load(os.path.join(folder, "input_ids.npy")))
    if not torch.equal(other.run(ids)["last_hidden_state"], ref.run(ids)["last_hidden_state"]):
        raise SystemExit(f"{folder}: openclip.safetensors does not replay")


def main():
    for name, (config, seed, extra, f16) in CASES.items():
        if ONLY and name not in ONLY:
            continue
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        ref = ctr.ClipTextReference(config, seed=seed, clip_model_py=CLIP_MODEL_PY,
                                    extra_resblocks=extra)
        ids = make_ids(ref.config, seed + 100)
        if not extra:
            delta = ref.check_against_encode_text(ids)
            if delta != 0.0:
                raise SystemExit(f"{name}: hidden-state loop differs from CLIP.encode_text by {delta}")
        np.save(os.path.join(folder, "input_ids.npy"), ids.numpy())
        ref.save_pretrained(folder, st_write=od.st_write)
        od.st_write(os.path.join(folder, "openclip.safetensors"), ref.openclip_state_dict(),
                    metadata={"format": "pt"})
        save_npys(folder, "", outputs(ref, ids))
        replay(folder, ref.config, "model.safetensors", "", ids)
        replay_openclip(folder, ref)
        notes = {}
        if f16:
            rounded = ref.copy()
            weights = {k: v.half() for k, v in ref.transformers_state_dict().items()}
            od.st_write(os.path.join(folder, "model_f16.safetensors"), weights,
                        metadata={"format": "pt"})
            rounded.load_transformers_state_dict(weights)
            save_npys(folder, "f16_", outputs(rounded, ids))
            replay(folder, ref.config, "model_f16.safetensors", "f16_", ids)
            notes["f16"] = ("model_f16.safetensors = model.safetensors rounded to float16; f16_*.npy "
                            "are the float32 run of the reference on those rounded weights")
        case = {
            "case": name,
            "model_class": "transformers CLIPTextModel (computed by openai/CLIP clip/model.py)",
            "peer": f"openai/CLIP {ctr.OPENAI_CLIP_COMMIT} clip/model.py via clip_text_reference.py",
            "torch": torch.__version__,
            "config": ref.config,
            "init": ref.init_note,
            "openclip_resblocks": len(ref.clip.transformer.resblocks),
            "num_parameters": sum(v.numel() for v in ref.transformers_state_dict().values()),
            "num_tensors": len(ref.transformers_state_dict()),
            "input_ids": f"make_ids(config, {seed + 100}): shape {list(ids.shape)}, int64",
            "outputs": "hidden_states_<i> (i = 0 embeddings, i = after layer i), "
                       "last_hidden_state, clip_skip_1 = final_layer_norm(hidden_states[-2]); "
                       f"short_* the same for input_ids[:, :{SHORT}]",
            **notes,
        }
        with open(os.path.join(folder, "case.json"), "w") as f:
            json.dump(case, f, indent=2)
            f.write("\n")
        print(name, "written and replayed:", sorted(os.listdir(folder)))


main()
