#!/usr/bin/python3
"""Records openai/CLIP's tokenizer on a set of prompts (tests/data/sd/tokenizer/).

Run with Debian's /usr/bin/python3 (python3-torch 1.13.1, python3-regex, python3-pil,
python3-tqdm, python3-packaging) on a plain checkout of github.com/openai/CLIP at commit d05afc4:

    /usr/bin/python3 tests/data/sd/generate_tokenizer.py CLIP_CHECKOUT tests/data/sd/tokenizer

Debian has no ftfy, so an identity ftfy.fix_text stands in for it, and torchvision (which
clip/clip.py imports for its image transforms only) is a placeholder module. The ids come from
openai's own code, unchanged: SimpleTokenizer.encode for the BPE ids and clip.tokenize(...,
truncate=True) for the 77 ids, which pads with 0 (SD 2's "!"); the SD 1 variant is the same
with every pad after the EOS replaced by 49407. The generator also writes a transformers
tokenizer folder (clip_vocab_files.py) with pad "!" into folder_sd2/, checks that its vocab.json
and merges.txt are exactly SimpleTokenizer's encoder and ranks, and replays every case from the
written JSON before finishing.
"""
import importlib.util
import json
import os
import random
import sys
import types

CLIP_SRC, OUT = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_vocab_files import write_tokenizer_folder  # noqa: E402

ftfy = types.ModuleType("ftfy")
ftfy.fix_text = lambda text: text
sys.modules["ftfy"] = ftfy
torchvision = types.ModuleType("torchvision")
transforms = types.ModuleType("torchvision.transforms")
for name in ("Compose", "Resize", "CenterCrop", "ToTensor", "Normalize"):
    setattr(transforms, name, None)
torchvision.transforms = transforms
sys.modules["torchvision"] = torchvision
sys.modules["torchvision.transforms"] = transforms

# The clip package by path, without running its __init__ (which would need the real torchvision).
clip_dir = os.path.join(CLIP_SRC, "clip")
package = types.ModuleType("clip")
package.__path__ = [clip_dir]
sys.modules["clip"] = package


def load(name):
    spec = importlib.util.spec_from_file_location("clip." + name, os.path.join(clip_dir, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["clip." + name] = module
    spec.loader.exec_module(module)
    return module


simple_tokenizer = load("simple_tokenizer")
clip = load("clip")
tokenizer = clip._tokenizer
GZ = os.path.join(clip_dir, "bpe_simple_vocab_16e6.txt.gz")
EOS = tokenizer.encoder["<|endoftext|>"]

SEVENTY_FIVE = " ".join(["cat"] * 75)
LONG = ("a beautiful painting of a lighthouse on a rocky coast at sunset, dramatic clouds, "
        "crashing waves, seagulls, warm golden light, highly detailed, oil on canvas, "
        "trending on artstation, by a famous landscape painter of the nineteenth century, "
        "with a small boat in the foreground and mountains far away in the background haze, "
        "soft mist over the water, a flock of birds, reflections, cinematic composition, 8k")

# name: prompt. Only the named HTML references the C++ tokenizer knows appear (html_unescape.h).
PROMPTS = {
    "photo_of_a_cat": "a photo of a cat",
    "astronaut": "A  Photo of an ASTRONAUT, riding a horse!!",
    "digits_px": "it's 1024px",
    "accents_cjk": "café  naïve 日本",
    "emoji": "emoji 🙂 test",
    "empty": "",
    "only_spaces": " \t\n  ",
    "punctuation": "hello, world! (masterpiece:1.2) [best quality] {x|y} -- ... ??? @#$%^&*",
    "digits": "3.14159 2024-01-01 1,000,000 v1.5 sd2.1",
    "apostrophes": "it's don't you're we've I'm they'll he'd IT'S DON'T",
    "apostrophes_midword": "o'clock rock'n'roll 'sup 'tis ''s",
    "curly_apostrophe": "it’s a dog’s life ‘quoted’ “double”",
    "upper_case": "PORTRAIT OF A KNIGHT IN SHINING ARMOR",
    "mixed_case": "McDonald's iPhone eBay LaTeX",
    "accents": "crème brûlée à la façon de Zoë, señor Müller, Łódź, Ørsted",
    "german_sharp_s": "STRASSE straße ẞ",
    "turkish_dotted_i": "İSTANBUL ıi",
    "greek_final_sigma": "ΟΔΟΣ ΟΔΟΣ. Σ ΑΣ",
    "cyrillic": "Москва ночью, неон",
    "cjk": "富士山と桜、夜景 中国山水画 한국어 풍경",
    "fullwidth": "ＡＢＣ１２３！",
    "arabic_hebrew": "مرحبا بالعالم שלום עולם",
    "devanagari": "नमस्ते दुनिया",
    "thai": "สวัสดีชาวโลก",
    "other_numbers": "½ ² ٣ ⅻ Ⅻ ①",
    "emoji_sequences": "👩‍🚀 👍🏽 🇯🇵 ❤️ 🙂🙂🙂",
    "symbols": "© ® ™ → ← ★ ♥ € £ ¥ °C",
    "html_basic": "fish &amp; chips &lt;3 &gt; &quot;quoted&quot; it&apos;s",
    "html_double": "&amp;amp; &amp;lt;b&amp;gt;",
    "html_numeric": "&#39;s &#x1F642; &#128578; &#233;t&#xE9; &#65&#66;",
    "html_numeric_special": "&#150; &#x80; &#0; &#xD800; &#1; &#13; &#x110000; &#99999999999999999999;",
    "html_nbsp": "a&nbsp;b &nbsp; c&nbspd",
    "html_legacy_prefix": "&ampfoo &ltx; &quotient AT&T &#x; &#; &apos &amp",
    "whitespace_runs": "  lots\t\tof   \n\n white\r\n space  ",
    "unicode_spaces": "a\u00a0b\u3000c\u2009d\u0085e\u2028f",
    "info_separators": "\x1cx\x1f y\x1dz \x1e",
    "control_chars": "a\x00b\x07c\x7fd",
    "special_tokens": "<|startoftext|>a photo<|endoftext|> of <|ENDOFTEXT|>",
    "special_tokens_glued": "x<|endoftext|> !!<|endoftext|>",
    "long_s": "it'ſ <|ſtartoftext|> ſun",
    "ypogegrammeni": "ᾼ ᾳ α\u0345β",
    "combining_marks": "e\u0301 n\u0303 a\u0308\u0304",
    "repeated_letters": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "long_word": "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
    "sd_prompt": "masterpiece, best quality, 1girl, solo, looking at viewer, smile, "
                 "(detailed background:1.3), <lora:foo:0.8>, BREAK sunset",
    "negative_prompt": "lowres, bad anatomy, bad hands, text, error, missing fingers, "
                       "extra digit, fewer digits, cropped, worst quality, low quality, jpeg artifacts",
    "exactly_75": SEVENTY_FIVE,
    "exactly_76": SEVENTY_FIVE + " dog",
    "over_77": LONG,
    "over_77_digits": " ".join(str(i) for i in range(100)),
}

# Seeded mixtures of the fragments the cleaning and the pattern treat specially, to catch what
# the hand-picked prompts miss (entities split across fragments, case folding next to marks).
FRAGMENTS = ["&amp;", "&amp", "&lt", "&gt;", "&#", "&#x", "&#39;", "1", "9;", ";", "x", "F", "'s",
             "'", "’", "ſ", "Σ", "ς", "İ", " ", "  ", "\t", "\n", "aB", "Cat", "\u0345", "\u0301",
             "<|endoftext|>", "<|", "|>", "🙂", "日本", "½", "Ⅻ", "\x1c", "\xa0", "-", ".", "'re",
             "'LL", "&nbsp;", "&quot", "&apos;", "ÉCOLE", "ß", "ﬁ", "K"]
rng = random.Random(2024)
for i in range(30):
    PROMPTS[f"random_{i:02d}"] = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(4, 24)))
PROMPTS["long_random_word"] = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3000))

REFERENCE = {  # research notes §1.1
    "photo_of_a_cat": [49406, 320, 1125, 539, 320, 2368, 49407],
    "astronaut": [49406, 320, 1125, 539, 550, 18376, 267, 6765, 320, 4558, 748, 49407],
    "digits_px": [49406, 585, 568, 272, 271, 273, 275, 10262, 49407],
    "accents_cjk": [49406, 15304, 1097, 35689, 563, 39121, 19277, 361, 49407],
    "emoji": [49406, 16327, 14860, 1628, 49407],
}


def record(prompt):
    ids = tokenizer.encode(prompt)
    pad0 = [int(x) for x in clip.tokenize(prompt, context_length=77, truncate=True)[0]]
    end = min(len(ids) + 2, 77)  # BOS, content, EOS: a prompt may hold <|endoftext|> itself
    assert pad0[end - 1] == EOS and all(x == 0 for x in pad0[end:])
    pad_eos = pad0[:end] + [EOS] * (77 - end)
    return {"prompt": prompt, "bpe_ids": ids, "ids_pad_0": pad0, "ids_pad_49407": pad_eos}


def main():
    cases = {name: record(prompt) for name, prompt in PROMPTS.items()}
    assert len(cases["exactly_75"]["bpe_ids"]) == 75 and len(cases["exactly_76"]["bpe_ids"]) == 76
    assert len(cases["over_77"]["bpe_ids"]) > 77 and len(cases["over_77_digits"]["bpe_ids"]) > 77
    for name, ids in REFERENCE.items():
        assert [49406] + cases[name]["bpe_ids"] + [49407] == ids, name
    os.makedirs(OUT, exist_ok=True)
    case = {
        "peer": "openai/CLIP commit d05afc4, clip/simple_tokenizer.py and clip/clip.py tokenize()",
        "vocabulary": "clip/bpe_simple_vocab_16e6.txt.gz (resources/clip/ in this project)",
        "ftfy": "absent: ftfy.fix_text stubbed as the identity",
        "bpe_ids": "SimpleTokenizer().encode(prompt)",
        "ids_pad_0": "clip.tokenize(prompt, context_length=77, truncate=True)[0] (pads with 0, SD 2)",
        "ids_pad_49407": "ids_pad_0 with the 0s after its final EOS replaced by 49407 (SD 1)",
        "folder_sd2": "clip_vocab_files.write_tokenizer_folder(gz, 'folder_sd2', '!')",
        "reference_ids": "research notes 1.1: " + ", ".join(REFERENCE),
        "cases": cases,
    }
    path = os.path.join(OUT, "case.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(case, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")

    folder = os.path.join(OUT, "folder_sd2")
    vocab = write_tokenizer_folder(GZ, folder, "!")
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        assert json.load(f) == tokenizer.encoder == vocab
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "#version: 0.2" and lines[-1] == ""
    assert {tuple(line.split()): i for i, line in enumerate(lines[1:-1])} == tokenizer.bpe_ranks

    with open(path, encoding="utf-8") as f:
        replayed = json.load(f)["cases"]
    assert replayed == {name: record(c["prompt"]) for name, c in replayed.items()}
    print(f"{len(cases)} prompts, folder with {len(vocab)} tokens, replayed")


if __name__ == "__main__":
    main()
