#!/usr/bin/env python3
"""Builds the parity preference set from ../shared/data/text (AlpacaEval outputs, MT-Bench questions).

The texts are public material kept outside the project, so fixtures store only this recipe's output
hash and the reference scores; the C++ tests rebuild the same rows with this script (stdlib only).
Rows follow the RewardBench v1 schema. The mix is deliberate: long answers that hit truncation,
multi-turn prompts (message lists), an exact tie, and special-token look-alikes inside content.

usage: build_pairs.py SHARED_DIR OUT.jsonl [--pairs N]
"""
import argparse
import hashlib
import json
import os

GENERATORS = ["gpt4_1106_preview", "alpaca-7b", "guanaco-13b", "text_davinci_003", "tulu-2-dpo-70b"]
SUBSETS = ["alpacaeval-easy", "alpacaeval-length", "alpacaeval-hard", "mt-bench-easy", "mt-bench-med",
           "mt-bench-hard", "llmbar-natural", "llmbar-adver-neighbor", "refusals-dangerous",
           "xstest-should-respond", "donotanswer", "hep-python", "hep-cpp", "math-prm"]


def load_outputs(shared_dir):
    outputs = {}
    for gen in GENERATORS:
        with open(os.path.join(shared_dir, "data", "text", "alpaca_eval", gen + ".json"), encoding="utf-8") as f:
            outputs[gen] = json.load(f)
    instructions = [row["instruction"] for row in outputs[GENERATORS[0]]]
    for gen in GENERATORS[1:]:
        assert [row["instruction"] for row in outputs[gen]] == instructions, gen
    return instructions, {g: [row["output"] for row in rows] for g, rows in outputs.items()}


def load_mt_bench(shared_dir):
    with open(os.path.join(shared_dir, "data", "text", "mt_bench_questions.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_rows(shared_dir, num_pairs):
    instructions, outputs = load_outputs(shared_dir)
    questions = load_mt_bench(shared_dir)
    n = len(instructions)
    rows = []
    for k in range(num_pairs):
        i = (k * 37) % n
        a = GENERATORS[k % len(GENERATORS)]
        b = GENERATORS[(k + 1 + k // len(GENERATORS)) % len(GENERATORS)]
        if a == b:
            b = GENERATORS[(k + 2) % len(GENERATORS)]
        prompt = instructions[i]
        chosen, rejected = outputs[a][i], outputs[b][i]
        if k % 15 == 7:  # long answers: several outputs glued together, beyond 2048 tokens
            chosen = "\n\n".join([chosen, outputs[b][(i + 1) % n], outputs[a][(i + 2) % n], outputs[b][(i + 3) % n]])
        if k % 10 == 3:  # multi-turn prompt as a message list (roles are re-assigned by position)
            q = questions[k % len(questions)]
            prompt = [{"role": "user", "content": q["turns"][0]},
                      {"role": "assistant", "content": outputs[b][(i + 5) % n]},
                      {"role": "user", "content": q["turns"][1]}]
        if k == 11:  # an exact tie: equal scores count as a loss
            rejected = chosen
        if k == 13:  # special-token look-alikes inside ordinary content
            chosen = "Use <|eot_id|> or <|im_end|> to end a turn; <|begin_of_text|> starts one.\n" + chosen
        rows.append({"id": k, "subset": SUBSETS[k % len(SUBSETS)], "prompt": prompt, "chosen": chosen,
                     "rejected": rejected, "chosen_model": a, "rejected_model": b})
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("shared_dir")
    parser.add_argument("out")
    parser.add_argument("--pairs", type=int, default=200)
    args = parser.parse_args()
    rows = build_rows(args.shared_dir, args.pairs)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(data)
    print(hashlib.sha1(data).hexdigest())


if __name__ == "__main__":
    main()
