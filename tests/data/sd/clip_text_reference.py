"""The CLIP text encoder of Stable Diffusion, run by openai/CLIP's own `clip/model.py`.

transformers' CLIPTextModel (the encoder diffusers' Stable Diffusion pipelines call) is the text
half of openai's CLIP: token embedding plus positional embedding, a pre-LN transformer with a
causal mask, and ln_final. transformers cannot run here (it needs torch >= 2), so the fixtures use
openai/CLIP (commit d05afc4) instead: a real `CLIP` object is built from a transformers-style
config, and the hidden states are taken between its `transformer.resblocks` exactly as
`CLIP.encode_text` chains them. Two deviations, both what OpenCLIP (SD 2's encoder) does:
  * the MLP width is `intermediate_size` (OpenCLIP's mlp_ratio) instead of openai's fixed 4·width;
  * hidden_act "gelu" replaces QuickGELU with exact GELU (nn.GELU()).
The per-layer loop is checked against `CLIP.encode_text` itself (`check_against_encode_text`).

Used by generate_clip_text.py and the pipeline fixture. Import it with tests/data/sd on sys.path:

    ref = ClipTextReference(SD1_TINY, seed=4001)           # default init, then p += 0.05·randn
    out = ref.run(ids)        # {"hidden_states": [emb, layer 1, ...], "last_hidden_state": ...}
    ref.encode(ids, clip_skip=1)                           # diffusers' encode_prompt context
    ref.save_pretrained(folder)                            # config.json + model.safetensors
    ref.transformers_state_dict() / ref.openclip_state_dict()

Run with Debian's /usr/bin/python3 (torch 1.13.1, numpy); nothing else is needed.
"""
import copy
import importlib.util
import json
import os
import types

import torch
from torch import nn

DEFAULT_CLIP_MODEL_PY = "/work/peers/CLIP/clip/model.py"
OPENAI_CLIP_COMMIT = "d05afc436d78f1c48dc0dbf8e5980a9d471f35f6"

# transformers' CLIPTextConfig.__init__ defaults (models/clip/configuration_clip.py).
CLIP_TEXT_CONFIG_DEFAULTS = dict(
    vocab_size=49408, hidden_size=512, intermediate_size=2048, projection_dim=512,
    num_hidden_layers=12, num_attention_heads=8, max_position_embeddings=77,
    hidden_act="quick_gelu", layer_norm_eps=1e-5, attention_dropout=0.0, initializer_range=0.02,
    initializer_factor=1.0, pad_token_id=1, bos_token_id=49406, eos_token_id=49407)

# The tiny encoders of diffusers' SD tests (tests/pipelines/stable_diffusion*/ get_dummy_components).
SD1_TINY = dict(CLIP_TEXT_CONFIG_DEFAULTS, vocab_size=1000, hidden_size=32, intermediate_size=37,
                num_attention_heads=4, num_hidden_layers=5, hidden_act="quick_gelu",
                layer_norm_eps=1e-5, max_position_embeddings=77, bos_token_id=0, eos_token_id=2,
                pad_token_id=1)
SD2_TINY = dict(SD1_TINY, hidden_act="gelu", projection_dim=512)

_clip_model_module = None


def load_clip_model_module(path=None):
    """openai/CLIP's clip/model.py, imported by file path (the clip package pulls torchvision).
    None: the one already loaded, else $CLIP_MODEL_PY, else DEFAULT_CLIP_MODEL_PY."""
    global _clip_model_module
    if path is None and _clip_model_module is not None:
        return _clip_model_module
    path = path or os.environ.get("CLIP_MODEL_PY", DEFAULT_CLIP_MODEL_PY)
    if _clip_model_module is None or _clip_model_module.__file__ != path:
        spec = importlib.util.spec_from_file_location("openai_clip_model", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _clip_model_module = module
    return _clip_model_module


def transformers_config_json(config):
    """A config.json that transformers' CLIPTextModel.from_pretrained accepts."""
    out = dict(CLIP_TEXT_CONFIG_DEFAULTS)
    out.update(config)
    out.update(architectures=["CLIPTextModel"], model_type="clip_text_model", dropout=0.0,
               torch_dtype="float32")
    return dict(sorted(out.items()))


class ClipTextReference:
    """openai CLIP's text transformer for a transformers-style config (see the module docstring).

    extra_resblocks adds OpenCLIP resblocks past num_hidden_layers that run() never uses, as SD 2's
    LDM files carry resblock 23 that diffusers drops; they appear only in openclip_state_dict().
    """

    def __init__(self, config, seed, clip_model_py=None, extra_resblocks=0, perturbation=0.05):
        self.config = dict(CLIP_TEXT_CONFIG_DEFAULTS)
        self.config.update(config)
        c = self.config
        if c["hidden_act"] not in ("quick_gelu", "gelu"):
            raise ValueError(f"hidden_act {c['hidden_act']!r}: only quick_gelu and gelu")
        m = load_clip_model_module(clip_model_py)
        self.layers = c["num_hidden_layers"]
        torch.manual_seed(seed)
        # The vision tower is required by CLIP.__init__; the smallest ViT it accepts (one head of
        # 64, one layer, a 2x2 grid of 16-pixel patches) and never used.
        self.clip = m.CLIP(embed_dim=c["projection_dim"], image_resolution=32, vision_layers=1,
                           vision_width=64, vision_patch_size=16,
                           context_length=c["max_position_embeddings"],
                           vocab_size=c["vocab_size"], transformer_width=c["hidden_size"],
                           transformer_heads=c["num_attention_heads"],
                           transformer_layers=self.layers + extra_resblocks)
        width, inner = c["hidden_size"], c["intermediate_size"]
        for block in self.clip.transformer.resblocks:
            block.mlp.c_fc = nn.Linear(width, inner)
            block.mlp.c_proj = nn.Linear(inner, width)
            if c["hidden_act"] == "gelu":
                block.mlp.gelu = nn.GELU()
            block.ln_1.eps = block.ln_2.eps = c["layer_norm_eps"]
        self.clip.ln_final.eps = c["layer_norm_eps"]
        # CLIP's own init again, now that the MLPs have their configured width.
        self.clip.initialize_parameters()
        self.clip.eval()
        self.init_note = (
            f"torch.manual_seed({seed}); openai CLIP(...) with MLPs of width intermediate_size"
            f"{' and nn.GELU()' if c['hidden_act'] == 'gelu' else ''}; CLIP.initialize_parameters()")
        if perturbation:
            g = torch.Generator("cpu").manual_seed(seed + 7)
            with torch.no_grad():
                for _, p in self.clip.named_parameters():
                    p += perturbation * torch.randn(p.shape, generator=g)
            self.init_note += (
                f"; then every parameter p (named_parameters() order) gets p += {perturbation} * "
                f"torch.randn(p.shape, generator=torch.Generator('cpu').manual_seed({seed + 7}))")

    def _causal_mask(self, tokens):
        # CLIP.build_attention_mask for a context of `tokens` (transformers slices its own the same).
        return type(self.clip).build_attention_mask(types.SimpleNamespace(context_length=tokens))

    @torch.no_grad()
    def run(self, ids):
        """ids [B, T] int64, T <= max_position_embeddings -> every hidden state ([B, T, D] each,
        [0] the embeddings) and last_hidden_state = ln_final(hidden_states[-1])."""
        ids = torch.as_tensor(ids, dtype=torch.int64)
        tokens = ids.shape[1]
        clip = self.clip
        x = clip.token_embedding(ids).type(clip.dtype)
        x = x + clip.positional_embedding[:tokens].type(clip.dtype)
        x = x.permute(1, 0, 2)  # NLD -> LND, as encode_text
        hidden = [x]
        mask = self._causal_mask(tokens)
        for block in list(clip.transformer.resblocks)[:self.layers]:
            block.attn_mask = mask
            x = block(x)
            hidden.append(x)
        hidden = [h.permute(1, 0, 2).contiguous() for h in hidden]
        return {"hidden_states": hidden,
                "last_hidden_state": clip.ln_final(hidden[-1]).type(clip.dtype)}

    @torch.no_grad()
    def encode(self, ids, clip_skip=0):
        """diffusers' encode_prompt: final_layer_norm(hidden_states[-(clip_skip + 1)])."""
        hidden = self.run(ids)["hidden_states"]
        return self.clip.ln_final(hidden[-(clip_skip + 1)])

    @torch.no_grad()
    def check_against_encode_text(self, ids):
        """Largest |Δ| between CLIP.encode_text(ids) and run()'s output pooled the same way (at
        argmax(ids), times text_projection). Needs T == max_position_embeddings and no extra
        resblocks (encode_text runs them all)."""
        ids = torch.as_tensor(ids, dtype=torch.int64)
        last = self.run(ids)["last_hidden_state"]
        pooled = last[torch.arange(ids.shape[0]), ids.argmax(dim=-1)] @ self.clip.text_projection
        return float((self.clip.encode_text(ids) - pooled).abs().max())

    def _text_parameters(self):
        return {k: v.detach().clone() for k, v in self.clip.state_dict().items()
                if not k.startswith("visual.")}

    def openclip_state_dict(self):
        """OpenCLIP / LDM names (as under cond_stage_model.model.), every resblock, text_projection
        and logit_scale included."""
        return self._text_parameters()

    def transformers_state_dict(self, prefix="text_model."):
        """transformers' CLIPTextModel names: in_proj split into q, k, v rows (diffusers'
        convert_open_clip_checkpoint), resblocks past num_hidden_layers dropped."""
        s = self._text_parameters()
        d = self.config["hidden_size"]
        out = {"embeddings.token_embedding.weight": s["token_embedding.weight"],
               "embeddings.position_embedding.weight": s["positional_embedding"],
               "final_layer_norm.weight": s["ln_final.weight"],
               "final_layer_norm.bias": s["ln_final.bias"]}
        for i in range(self.layers):
            src, dst = f"transformer.resblocks.{i}.", f"encoder.layers.{i}."
            for j, name in enumerate(("q", "k", "v")):
                for kind in ("weight", "bias"):
                    rows = s[src + f"attn.in_proj_{kind}"][j * d:(j + 1) * d]
                    out[dst + f"self_attn.{name}_proj.{kind}"] = rows
            pairs = (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"),
                     ("ln_2", "layer_norm2"), ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2"))
            for a, b in pairs:
                for kind in ("weight", "bias"):
                    out[dst + f"{b}.{kind}"] = s[src + f"{a}.{kind}"]
        return {prefix + k: v.contiguous() for k, v in out.items()}

    @torch.no_grad()
    def load_transformers_state_dict(self, tensors, prefix="text_model."):
        """The inverse of transformers_state_dict (values cast to float32): for reload checks and
        for running on rounded (F16) weights. Every name must be present."""
        t = {k[len(prefix):]: torch.as_tensor(v).float() for k, v in tensors.items()
             if k.startswith(prefix) and not k.endswith("position_ids")}
        clip = self.clip
        clip.token_embedding.weight.copy_(t.pop("embeddings.token_embedding.weight"))
        clip.positional_embedding.copy_(t.pop("embeddings.position_embedding.weight"))
        clip.ln_final.weight.copy_(t.pop("final_layer_norm.weight"))
        clip.ln_final.bias.copy_(t.pop("final_layer_norm.bias"))
        for i in range(self.layers):
            block, src = clip.transformer.resblocks[i], f"encoder.layers.{i}."
            for kind in ("weight", "bias"):
                parts = [t.pop(src + f"self_attn.{n}_proj.{kind}") for n in ("q", "k", "v")]
                getattr(block.attn, f"in_proj_{kind}").copy_(torch.cat(parts, 0))
                getattr(block.attn.out_proj, kind).copy_(t.pop(src + f"self_attn.out_proj.{kind}"))
                getattr(block.ln_1, kind).copy_(t.pop(src + f"layer_norm1.{kind}"))
                getattr(block.ln_2, kind).copy_(t.pop(src + f"layer_norm2.{kind}"))
                getattr(block.mlp.c_fc, kind).copy_(t.pop(src + f"mlp.fc1.{kind}"))
                getattr(block.mlp.c_proj, kind).copy_(t.pop(src + f"mlp.fc2.{kind}"))
        if t:
            raise KeyError(f"unexpected tensors: {sorted(t)}")

    def copy(self):
        return copy.deepcopy(self)

    def save_pretrained(self, folder, dtype=torch.float32, st_write=None, weights="model.safetensors"):
        """config.json and a safetensors file of transformers names, as CLIPTextModel.save_pretrained
        lays them out. st_write defaults to the reference kit's offline_diffusers.st_write."""
        if st_write is None:
            import offline_diffusers  # the reference kit, on sys.path in every generator
            st_write = offline_diffusers.st_write
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(transformers_config_json(self.config), f, indent=2)
            f.write("\n")
        st_write(os.path.join(folder, weights),
                 {k: v.to(dtype) for k, v in self.transformers_state_dict().items()},
                 metadata={"format": "pt"})
