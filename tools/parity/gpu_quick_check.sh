#!/usr/bin/env bash
# A quick CUDA check on the GPU machine that needs no tokenizer packages and no ../shared: builds
# rewardbench and the model parity test binaries against the machine's PyTorch, runs their CUDA cases
# (committed fixtures: every architecture on token ids, the causal-LM log-probs), then evaluates the
# demo model on CUDA in float32 twice (the second run from the score cache) and compares its scores
# with the demo's own CPU run. From the repository root:
#   bash tools/parity/gpu_quick_check.sh INPUTS_DIR
# INPUTS_DIR holds deps.tgz (as for gpu_parity.sh, with libgtest-dev, libgmock-dev and, for the score
# cache, libsqlite3-dev + libsqlite3-0 unpacked; keep GoogleTest's .a files) and fixtures.tar.xz
# (`tar cJf fixtures.tar.xz tests/fixtures`, with tests/fixtures moved out of the tree during the call:
# the working tree that travels is limited to 64 MiB).
set -u
inputs=$(cd "$1" && pwd)
work=${RB_GPU_WORK:-/tmp/rb-gpu-quick}
mkdir -p "$work/deps"
tar xzf "$inputs/deps.tgz" -C "$work/deps"
tar xJf "$inputs/fixtures.tar.xz"
logs=${OUT:-$work}
export LD_LIBRARY_PATH="$work/deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
generator=""; command -v ninja >/dev/null && generator="-G Ninja"
nvidia-smi --query-gpu=name --format=csv,noheader
python3 -c 'import torch;print("torch", torch.__version__)'
cmake -S . -B "$work/build" $generator -DCMAKE_BUILD_TYPE=Release -DRB_BUILD_TESTS=ON \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$work/deps/usr" -DICU_ROOT="$work/deps/usr" > "$logs/configure.log" 2>&1 ||
  { tail -40 "$logs/configure.log"; exit 1; }
tests="model_parity_fixture_test model_gpt_parity_test model_deberta_v2_parity_test"
start=$(date +%s)
cmake --build "$work/build" -j"$(nproc)" --target rewardbench $tests > "$logs/build.log" 2>&1 ||
  { grep -B2 -A12 "error" "$logs/build.log" | head -120; exit 1; }
echo "build $(( $(date +%s) - start )) s"
status=0
for t in $tests; do
  binary=$(find "$work/build/tests" -name "$t" -type f -executable | head -1)
  echo "=== $t (CUDA cases)"
  "$binary" --gtest_filter='*Cuda*:*CUDA*:*cuda*' --gtest_brief=1 || status=1
done
rb="$work/build/rewardbench"
"$rb" demo --dir "$work/demo" -q > /dev/null || status=1
for run in 1 2; do
  "$rb" eval --model "$work/demo/model" --dataset "$work/demo/preference_pairs.jsonl" --device cuda --dtype float32 \
    --output_dir "$work/demo_cuda" --cache-dir "$work/cache" -q > "$work/eval$run.txt" 2>&1 ||
    { cat "$work/eval$run.txt"; status=1; }
  python3 -c "import json,sys;print('eval run $run: cache', json.dumps(json.load(open(sys.argv[1])).get('cache')))" \
    "$work/demo_cuda/run.json"
done
python3 - "$work/demo/results/outputs.jsonl" "$work/demo_cuda/outputs.jsonl" <<'PY' || status=1
import json, sys
cpu, cuda = ([json.loads(line) for line in open(path)] for path in sys.argv[1:3])
gap = max(abs(a[f] - b[f]) for a, b in zip(cpu, cuda) for f in ("scores_chosen", "scores_rejected"))
agree = sum(a["results"] == b["results"] for a, b in zip(cpu, cuda))
print(f"demo: {len(cuda)} rows, max |cpu fp32 - cuda fp32| {gap:.3g}, decisions agree {agree}/{len(cpu)}")
sys.exit(0 if len(cpu) == len(cuda) and gap < 1e-4 and agree == len(cpu) else 1)
PY
exit $status
