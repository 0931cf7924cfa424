# Seeds for the ldm_checkpoint fuzz target, from the tiny single-file checkpoints in
# tests/data/sd/single_file: every name kept, tensors shrunk except the shapes the reader looks at.
# Run from the repository root: /usr/bin/python3 tests/fuzz/ldm_checkpoint/make_seeds.py
# (offline_diffusers is the reference kit's, ../shared/reference/kit, for st_read / st_write).
import os, sys, re; sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../../../shared/reference/kit"))
import offline_diffusers as od, numpy as np
out = os.path.join(os.path.dirname(__file__), "corpus") + "/"
for name in ("sd1", "sd2"):
    t, _ = od.st_read(f"tests/data/sd/single_file/{name}.safetensors")
    keep = {}
    for k, v in t.items():
        v = np.array(v)
        if k.startswith("model_ema") or k in ("betas", "alphas_cumprod", "alphas_cumprod_prev"):
            continue
        if "token_embedding" in k:
            v = v[:10]
        # every tensor kept (names drive the renaming), shrunk where shapes do not matter to reading
        shaped = re.search(r"input_blocks\.0\.0\.weight|out\.2\.weight|input_blocks\.\d+\.0\.out_layers\.3\.weight|proj_in\.weight|attn2\.to_k\.weight|block\.0\.conv2\.weight|conv_in\.weight|conv_out\.weight|embedding|layers\.0\.mlp\.fc1\.weight|resblocks\.0\.mlp\.c_fc\.weight|in_proj|attn_1", k)
        if not shaped and v.dtype != np.int64:
            v = np.zeros([1] * min(v.ndim, 1), np.float16)
        keep[k] = v.astype(np.float16) if v.dtype != np.int64 else v
    od.st_write(out + f"{name}_skeleton.safetensors", keep)
od.st_write(out + "lora.safetensors", {"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight": np.zeros((2, 4), np.float16)})
od.st_write(out + "xl.safetensors", {"conditioner.embedders.0.transformer.text_model.final_layer_norm.bias": np.zeros(4, np.float16)})
od.st_write(out + "vae.safetensors", {"encoder.down.0.block.0.conv1.weight": np.zeros((1, 1, 1, 1), np.float16)})
