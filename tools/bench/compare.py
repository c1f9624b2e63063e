#!/usr/bin/env python3
"""Compares our outputs.jsonl with the reference's scores and prints the benchmark report.

usage: compare.py REFERENCE_JSONL OURS_DIR REFERENCE_STATS_JSON NON_EMBEDDING_PARAMS [REFERENCE2_JSONL]
REFERENCE2_JSONL: the reference run again with another batch size; its agreement with the first run
is the noise floor of bf16 decisions on this model (how often the reference disagrees with itself).
"""
import json
import statistics
import sys
import time

import torch


def matmul_tflops(n=8192, repeats=10):
    a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    for _ in range(3):
        a @ b
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    torch.cuda.synchronize()
    return 2 * n ** 3 * repeats / (time.perf_counter() - start) / 1e12


def agreement(a, b):
    """Identical decisions (chosen > rejected) and all |score differences| of two runs."""
    same = sum((x["scores_chosen"] > x["scores_rejected"]) == (y["scores_chosen"] > y["scores_rejected"])
               for x, y in zip(a, b))
    diffs = [abs(x[k] - y[k]) for x, y in zip(a, b) for k in ("scores_chosen", "scores_rejected")]
    return same, diffs


def main():
    ref_path, ours_dir, stats_path, params = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    ref = [json.loads(line) for line in open(ref_path)]
    ours = [json.loads(line) for line in open(ours_dir + "/outputs.jsonl")]
    run = json.load(open(ours_dir + "/run.json"))
    stats = json.loads(open(stats_path).read().strip().splitlines()[-1])
    assert [r["id"] for r in ref] == [o["id"] for o in ours]
    same, diffs = agreement(ref, ours)
    ours_seconds = run["timings_seconds"]["tokenize_and_score"]
    tokens = stats["real_tokens"]
    peak = matmul_tflops()
    def mfu(seconds):
        return 2 * params * tokens / seconds / 1e12 / peak
    report = {
        "pairs": len(ref), "real_tokens": tokens,
        "reference_seconds": round(stats["reference_seconds"], 2),
        "ours_seconds": round(ours_seconds, 2),
        "speedup": round(stats["reference_seconds"] / ours_seconds, 2),
        "reference_tokens_per_second": round(tokens / stats["reference_seconds"]),
        "ours_tokens_per_second": round(tokens / ours_seconds),
        "bf16_matmul_tflops_8192": round(peak, 1),
        "reference_useful_flop_utilisation": round(mfu(stats["reference_seconds"]), 3),
        "ours_useful_flop_utilisation": round(mfu(ours_seconds), 3),
        "ours_model_load_seconds": round(run["timings_seconds"].get("load_model", float("nan")), 2),
        "identical_decisions": f"{same}/{len(ref)} ({100.0 * same / len(ref):.2f}%)",
        "bit_identical_scores": f"{sum(d == 0 for d in diffs)}/{len(diffs)}",
        "median_abs_score_diff": statistics.median(diffs),
        "max_abs_score_diff": max(diffs),
    }
    if len(sys.argv) > 5:
        ref2 = [json.loads(line) for line in open(sys.argv[5])]
        first = ref[:len(ref2)]  # the second run may cover only the first pairs
        assert [r["id"] for r in first] == [r["id"] for r in ref2]
        same2, diffs2 = agreement(first, ref2)
        ours_first, _ = agreement(first, ours[:len(ref2)])
        report["reference_vs_itself_other_batch_size"] = f"{same2}/{len(ref2)} ({100.0 * same2 / len(ref2):.2f}%)"
        report["ours_vs_reference_on_the_same_pairs"] = f"{ours_first}/{len(ref2)} ({100.0 * ours_first / len(ref2):.2f}%)"
        report["reference_vs_itself_median_abs_score_diff"] = statistics.median(diffs2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
