"""Writes a transformers CLIPTokenizer folder from openai/CLIP's bpe_simple_vocab_16e6.txt.gz.

Imported by the SD fixture generators (generate_tokenizer.py and the pipeline generator):

    from clip_vocab_files import write_tokenizer_folder
    write_tokenizer_folder("/work/peers/CLIP/clip/bpe_simple_vocab_16e6.txt.gz", out_dir, "!")

The vocabulary is built in the order of openai/CLIP (commit d05afc4) clip/simple_tokenizer.py,
SimpleTokenizer.__init__: the 256 byte symbols, the same with "</w>", one entry per merge in rank
order, then <|startoftext|> and <|endoftext|> (49,408 entries). merges.txt keeps the gz file's
first 48,894 merges under a "#version: 0.2" header, the layout transformers' CLIPTokenizer reads
(it skips line 0 and takes lines 1..48894). The special-token files follow the tokenizer/ folders
of CompVis/stable-diffusion-v1-4 (pad "<|endoftext|>") and stabilityai/stable-diffusion-2 (pad "!").
"""
import gzip
import json
import os

MERGE_COUNT = 49152 - 256 - 2  # simple_tokenizer.py: merges[1:49152-256-2+1]
BOS = "<|startoftext|>"
EOS = "<|endoftext|>"


def bytes_to_unicode():
    """The byte -> printable-character map of simple_tokenizer.bytes_to_unicode, in byte order of the
    printable ranges first, as the vocabulary lists them."""
    bs = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
          + list(range(ord("®"), ord("ÿ") + 1)))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def read_merges(gz_path):
    """The 48,894 merges (pairs of symbols) in rank order."""
    lines = gzip.open(gz_path).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1:MERGE_COUNT + 1]]
    assert len(merges) == MERGE_COUNT and all(len(m) == 2 for m in merges)
    return merges


def build_vocabulary(merges):
    """Token -> id, in simple_tokenizer's order."""
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + [BOS, EOS]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == len(tokens) == 49408
    return vocab


def _added_token(content):
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False,
            "single_word": False}


def write_tokenizer_folder(gz_path, out_dir, pad_token):
    """Writes vocab.json, merges.txt, special_tokens_map.json and tokenizer_config.json to out_dir;
    pad_token is "<|endoftext|>" (SD 1) or "!" (SD 2). Returns the vocabulary dict."""
    merges = read_merges(gz_path)
    vocab = build_vocabulary(merges)
    assert pad_token in vocab, pad_token
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        f.write("".join(f"{a} {b}\n" for a, b in merges))
    special = {"bos_token": _added_token(BOS), "eos_token": _added_token(EOS),
               "pad_token": pad_token, "unk_token": _added_token(EOS)}
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump(special, f, indent=2, ensure_ascii=False)
        f.write("\n")
    config = {
        "add_prefix_space": False,
        "bos_token": dict(_added_token(BOS), __type="AddedToken"),
        "do_lower_case": True,
        "eos_token": dict(_added_token(EOS), __type="AddedToken"),
        "errors": "replace",
        "model_max_length": 77,
        "pad_token": pad_token,
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": dict(_added_token(EOS), __type="AddedToken"),
    }
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return vocab
