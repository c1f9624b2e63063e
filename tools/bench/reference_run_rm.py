#!/usr/bin/env python3
"""The reference pipeline as RewardBench's scripts/run_rm.py runs a sequence classifier: texts from
the tokenizer's chat template (roles by position, no generation prompt), batches of 64 in dataset
order, tokenizer(texts, truncation=True, max_length=2048, padding=True) truncating from the left,
pad := eos, the double-BOS attention-mask rule, logits of the chosen batch then the rejected batch.

usage: reference_run_rm.py MODEL_DIR PAIRS_JSONL OUT_JSONL [BATCH_SIZE]
BATCH_SIZE (default 64, run_rm's) changes only how texts are grouped and padded: a second run with
another size measures how far bf16 scores of the reference move with batch composition alone.
Prints seconds, real (unpadded) tokens and tokens/s of the scoring loop (tokenization included).
"""
import json
import sys
import time

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def texts_for(tokenizer, row):
    if isinstance(row["prompt"], list):
        turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": m["content"]}
                 for i, m in enumerate(row["prompt"])]
    else:
        turns = [{"role": "user", "content": row["prompt"]}]
    return [tokenizer.apply_chat_template(turns + [{"role": "assistant", "content": row[k]}], tokenize=False)
            for k in ("chosen", "rejected")]


def main():
    model_dir, pairs_path, out_path = sys.argv[1:4]
    batch_size = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    rows = [json.loads(line) for line in open(pairs_path, encoding="utf-8")]
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.truncation_side = "left"
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.bfloat16).cuda().eval()
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token_id = tokenizer.eos_token_id
        model.config.pad_token_id = tokenizer.eos_token_id
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    chosen, rejected = zip(*(texts_for(tokenizer, r) for r in rows))
    bos = tokenizer.bos_token_id

    def score(batch):
        inputs = tokenizer(list(batch), truncation=True, max_length=2048, padding=True, return_tensors="pt")
        for i in range(inputs["input_ids"].shape[0]):
            real = (inputs["attention_mask"][i] == 1).nonzero().flatten().tolist()
            if len(real) >= 2 and all(int(inputs["input_ids"][i, p]) == bos for p in real[:2]):
                inputs["attention_mask"][i, real[0]] = 0
        inputs = inputs.to("cuda")
        with torch.no_grad():
            logits = model(**inputs).logits
        return logits.float()[:, 0].tolist(), int(inputs["attention_mask"].sum())

    score(chosen[:8])  # warm-up (kernels, allocator)
    torch.cuda.synchronize()
    start = time.perf_counter()
    scores_c, scores_r, tokens = [], [], 0
    for b in range(0, len(rows), batch_size):
        c, tc = score(chosen[b:b + batch_size])
        r, tr = score(rejected[b:b + batch_size])
        scores_c += c
        scores_r += r
        tokens += tc + tr
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    with open(out_path, "w") as f:
        for row, c, r in zip(rows, scores_c, scores_r):
            f.write(json.dumps({"id": row["id"], "scores_chosen": c, "scores_rejected": r}) + "\n")
    print(json.dumps({"reference_seconds": seconds, "real_tokens": tokens, "tokens_per_second": tokens / seconds}))


if __name__ == "__main__":
    main()
