#!/usr/bin/env bash
# Installs the pinned JavaScript Hugging Face Hub client (@huggingface/hub, which reads and writes
# the same cache layout as Python's huggingface_hub) with its dependencies, once:
#   install_hf_hub_js.sh DEST_DIR   -> prints DEST_DIR/node_modules
# Exits 3 (tests skip) when node, npm or the registry is unavailable.
set -euo pipefail
spec="@huggingface/hub@2.17.5"
dest="$1"
mkdir -p "$dest"
# ctest runs tests in parallel: one install at a time, and nobody uses a half-installed tree.
exec 9>"$dest/.lock"
flock 9
if [ -f "$dest/.complete" ]; then echo "$dest/node_modules"; exit 0; fi
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || exit 3
rm -rf "$dest/node_modules"
npm install --prefix "$dest" --no-audit --no-fund --silent "$spec" >/dev/null 2>&1 || exit 3
touch "$dest/.complete"
echo "$dest/node_modules"
