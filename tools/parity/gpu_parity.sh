#!/usr/bin/env bash
# GPU parity of every named fixture, on the GPU machine, in one command from the repository root:
#   bash tools/parity/gpu_parity.sh INPUTS_DIR FIXTURE_NAME...
# INPUTS_DIR holds deps.tgz (Debian's nlohmann-json, CLI11, PCRE2, ICU unpacked into a prefix; see
# tools/bench/README.md) and parity_inputs.tgz (tokenizers/<npm package folder>/, shared_data/templates/,
# pairs.jsonl; see tools/parity/README.md). Builds rewardbench against the machine's PyTorch (CUDA)
# and runs check_cuda_parity.py.
set -euo pipefail
inputs=$(cd "$1" && pwd)
shift
work=${RB_GPU_WORK:-/tmp/rb-gpu}
mkdir -p "$work/deps" "$work/inputs"
[ -d "$work/deps/usr" ] || tar xzf "$inputs/deps.tgz" -C "$work/deps"
tar xzf "$inputs/parity_inputs.tgz" -C "$work/inputs"
export LD_LIBRARY_PATH="$work/deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
cmake -S . -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRB_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$work/deps/usr" -DICU_ROOT="$work/deps/usr" >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target rewardbench >/dev/null
python3 tools/parity/check_cuda_parity.py --rewardbench "$work/build/rewardbench" \
  --pairs "$work/inputs/pairs.jsonl" --shared-data "$work/inputs/shared_data" --work "$work/parity" \
  --tokenizer-root "$work/inputs/tokenizers" "$@"
