#!/usr/bin/env python3
"""Makes the DeBERTa-v2/v3 parity fixtures under tests/fixtures/parity/deberta_v2/: tiny random-weight
DebertaV2ForSequenceClassification models scored by the real transformers on real text, in fp32 on the
CPU and (when a GPU is present) in bf16 and fp32 on CUDA. The CUDA runs keep PyTorch's default
precision settings, as RewardBench's scripts do: no TF32 in matmuls, but cuDNN may use TF32 for the
variant's convolution, which puts its fp32 CUDA logits about 1e-4 from the CPU ones.

Two models, one folder each:
  deberta_v2/          in the shape of OpenAssistant/reward-model-deberta-v3-large-v2 (relative attention,
                       256 position buckets over max_relative_positions 512, pos_att_type p2c|c2p,
                       share_att_key, norm_rel_ebd layer_norm, no absolute positions, no token types) but
                       tiny; embedding_size 32 != hidden 64 (exercises embed_proj and keeps the 50432-row
                       embedding table under 4 MB).
  deberta_v2/variant/  the other branches: ConvLayer after layer 0, absolute position embeddings,
                       token-type embeddings, separate pos_key_proj / pos_query_proj, no bucketing (plain
                       clamp at max_relative_positions 96), pos_att_type as the legacy "c2p|p2c" string,
                       no rel-embedding LayerNorm, tanh pooler, two labels; token ids are taken modulo
                       its 1000-token vocabulary.

Input of every sequence (as the DeBERTa tokenizer frames one text): [CLS] text-ids [SEP] with
CLS=1, SEP=2, PAD=0 (DeBERTa-v3's special ids), text-ids from the GPT-NeoX-20B tokenizer
(../shared/data/tokenizers/gpt-neox-20b.tokenizer.json, no special tokens added), truncated on the
right to 512 ids in all. The text is the prompt turns' contents then the response, joined by blank
lines. Sequences are scored as RewardBench's pipeline scores a classifier: batches of 8 texts in
dataset order (chosen, rejected, chosen, ...), padded on the right with PAD and an attention mask.

golden.json keeps the token ids of every sequence and the logits of every run, so the C++ tests need
neither the tokenizer nor the texts.

Runs on the GPU machine (torch + transformers + tokenizers; no network), from the repository root,
with its inputs in the ignored .cache/device folder that travels with the working tree (../shared does
not travel):
  python3 tools/parity/build_pairs.py ../shared .cache/device/pairs.jsonl        # here, once
  cp ../shared/data/tokenizers/gpt-neox-20b.tokenizer.json .cache/device/         # here, once
  python3 tools/parity/make_deberta_fixtures.py --pairs-jsonl .cache/device/pairs.jsonl \
      --neox-tokenizer .cache/device/gpt-neox-20b.tokenizer.json --out tests/fixtures/parity
It writes tests/fixtures/parity/deberta_v2/{config.json,model.safetensors,fixture.json,golden.json} and
the same under deberta_v2/variant/ (about 4 MB in all); tests/model/deberta_v2_parity_test.cpp reads them.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

import torch
import transformers
from safetensors.torch import save_file
from tokenizers import Tokenizer
from transformers import AutoConfig, DebertaV2ForSequenceClassification

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ids_sha1, sha1  # noqa: E402

PAD_ID, CLS_ID, SEP_ID = 0, 1, 2
MAX_LENGTH = 512
BATCH_SIZE = 8

COMMON = {"architectures": ["DebertaV2ForSequenceClassification"], "model_type": "deberta-v2",
          "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
          "initializer_range": 0.02, "layer_norm_eps": 1e-7, "pad_token_id": PAD_ID, "pooler_dropout": 0,
          "relative_attention": True}

FIXTURES = [
    {   # OpenAssistant/reward-model-deberta-v3-large-v2, shrunk.
        "name": "deberta_v2", "subdir": "deberta_v2", "pairs": 100, "vocab_modulo": None,
        "config": dict(COMMON, vocab_size=50432, hidden_size=64, embedding_size=32, num_hidden_layers=2,
                       num_attention_heads=4, intermediate_size=128, max_position_embeddings=512,
                       type_vocab_size=0, position_biased_input=False, max_relative_positions=512,
                       position_buckets=256, pos_att_type=["p2c", "c2p"], share_att_key=True,
                       norm_rel_ebd="layer_norm", pooler_hidden_size=64, pooler_hidden_act="gelu",
                       id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0}),
    },
    {   # Every other branch of the module (DeBERTa-v2-xlarge style conv, absolute positions, ...).
        "name": "deberta_v2_variant", "subdir": "deberta_v2/variant", "pairs": 40, "vocab_modulo": 1000,
        "config": dict(COMMON, vocab_size=1000, hidden_size=48, num_hidden_layers=2, num_attention_heads=3,
                       intermediate_size=96, max_position_embeddings=512, type_vocab_size=2,
                       position_biased_input=True, max_relative_positions=96, position_buckets=-1,
                       pos_att_type="c2p|p2c", share_att_key=False, norm_rel_ebd="none",
                       conv_kernel_size=3, conv_groups=1, conv_act="gelu", pooler_hidden_size=48,
                       pooler_hidden_act="tanh", id2label={"0": "LABEL_0", "1": "LABEL_1"},
                       label2id={"LABEL_0": 0, "LABEL_1": 1}),
    },
]


def render_text(row, side):
    """The prompt's turn contents, then the response, separated by blank lines."""
    turns = [m["content"] for m in row["prompt"]] if isinstance(row["prompt"], list) else [row["prompt"]]
    return "\n\n".join(turns + [row[side]])


def encode(tokenizer, text, vocab_modulo):
    ids = tokenizer.encode(text, add_special_tokens=False).ids[:MAX_LENGTH - 2]
    if vocab_modulo:
        ids = [i % vocab_modulo for i in ids]
    return [CLS_ID] + ids + [SEP_ID]


def random_weights(model, used_ids, seed):
    """Random bf16 weights of a size that keeps activations O(1); word-embedding rows of tokens that no
    sequence uses are zero (the file compresses in git)."""
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, param in model.state_dict().items():
        if name.endswith("position_ids"):
            continue
        if "LayerNorm.weight" in name:
            value = 1.0 + 0.2 * torch.randn(param.shape, generator=gen)
        elif name.endswith(".bias"):
            value = 0.2 * torch.randn(param.shape, generator=gen)
        elif name.endswith("embeddings.weight"):  # word / position / token-type / relative embeddings
            value = torch.randn(param.shape, generator=gen)
        elif param.dim() == 3:  # conv weight [out, in / groups, kernel]
            value = torch.randn(param.shape, generator=gen) / (param.shape[1] * param.shape[2]) ** 0.5
        else:
            value = torch.randn(param.shape, generator=gen) / param.shape[-1] ** 0.5
        if name.endswith("word_embeddings.weight"):
            keep = torch.zeros(param.shape[0], dtype=torch.bool)
            keep[sorted(used_ids)] = True
            value[~keep] = 0.0
        tensors[name] = value.to(torch.bfloat16).contiguous()
    return tensors


def score_like_run_rm(model, sequences, device):
    """Batches of BATCH_SIZE in order, right padding with PAD_ID, attention mask 1 on real tokens."""
    logits_all = []
    for start in range(0, len(sequences), BATCH_SIZE):
        batch = sequences[start:start + BATCH_SIZE]
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), PAD_ID, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, ids in enumerate(batch):
            input_ids[i, :len(ids)] = torch.tensor(ids)
            mask[i, :len(ids)] = 1
        with torch.no_grad():
            logits = model(input_ids=input_ids.to(device), attention_mask=mask.to(device)).logits
        logits_all.extend(logits.float().cpu().tolist())
    return logits_all


def make_fixture(spec, tokenizer, rows_all, pairs_sha1, out_root):
    out_dir = os.path.join(out_root, spec["subdir"])
    os.makedirs(out_dir, exist_ok=True)
    rows = rows_all[:spec["pairs"]]
    sequences = []
    for row in rows:
        for side in ("chosen", "rejected"):
            sequences.append(encode(tokenizer, render_text(row, side), spec["vocab_modulo"]))
    used = {i for ids in sequences for i in ids} | {PAD_ID}

    work = tempfile.mkdtemp()
    for folder in (out_dir, work):
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(spec["config"], f, indent=2)
    config = AutoConfig.from_pretrained(work)  # read back exactly as from_pretrained will read it
    torch.manual_seed(0)
    model = DebertaV2ForSequenceClassification(config)
    weights = random_weights(model, used, seed=4321)
    save_file(weights, os.path.join(out_dir, "model.safetensors"), metadata={"format": "pt"})
    shutil.copyfile(os.path.join(out_dir, "model.safetensors"), os.path.join(work, "model.safetensors"))
    fixture = {"name": spec["name"], "tokenizer": "../shared/data/tokenizers/gpt-neox-20b.tokenizer.json",
               "framing": {"cls": CLS_ID, "sep": SEP_ID, "pad": PAD_ID, "max_length": MAX_LENGTH,
                           "truncation": "right", "vocab_modulo": spec["vocab_modulo"],
                           "text": "prompt turn contents then the response, joined by blank lines"},
               "batch_size": BATCH_SIZE, "padding_side": "right",
               "pairs": {"recipe": "tools/parity/build_pairs.py", "count": len(rows), "sha1": pairs_sha1}}
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)

    runs = {"fp32_cpu": (torch.float32, "cpu")}
    if torch.cuda.is_available():
        runs["bf16_cuda"] = (torch.bfloat16, "cuda")
        runs["fp32_cuda"] = (torch.float32, "cuda")
    all_logits = {}
    for run_name, (dtype, device) in runs.items():
        model = DebertaV2ForSequenceClassification.from_pretrained(work, dtype=dtype).to(device).eval()
        all_logits[run_name] = score_like_run_rm(model, sequences, device)

    golden = {"fixture": spec["name"], "transformers": transformers.__version__, "torch": torch.__version__,
              "num_labels": len(spec["config"]["id2label"]), "batch_size": BATCH_SIZE, "examples": []}
    for k, row in enumerate(rows):
        entry = {"id": row["id"], "subset": row["subset"]}
        for side, j in (("chosen", 2 * k), ("rejected", 2 * k + 1)):
            entry["ids_" + side] = sequences[j]
            entry["ids_" + side + "_sha1"] = ids_sha1(sequences[j])
            for run_name, logits in all_logits.items():
                entry["logits_" + side + "_" + run_name] = logits[j]
        golden["examples"].append(entry)
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
    wins = sum(e["logits_chosen_fp32_cpu"][0] > e["logits_rejected_fp32_cpu"][0] for e in golden["examples"])
    lengths = [len(s) for s in sequences]
    print(f"{spec['name']}: {len(rows)} pairs, chosen wins {wins}, ids mean {sum(lengths) / len(lengths):.0f} "
          f"max {max(lengths)}, at {MAX_LENGTH}: {sum(n == MAX_LENGTH for n in lengths)}, runs {list(runs)}",
          flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs-jsonl", required=True, help="output of build_pairs.py")
    parser.add_argument("--neox-tokenizer", required=True, help="gpt-neox-20b.tokenizer.json")
    parser.add_argument("--out", required=True, help="tests/fixtures/parity")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    with open(args.pairs_jsonl, "rb") as f:
        data = f.read()
    rows = [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    tokenizer = Tokenizer.from_file(args.neox_tokenizer)
    for spec in FIXTURES:
        if not args.only or spec["name"] in args.only:
            make_fixture(spec, tokenizer, rows, sha1(data), args.out)


if __name__ == "__main__":
    main()
