#!/usr/bin/env bash
# Installs the pinned Parquet writers once into DEST_DIR and prints the node_modules folder:
# parquet-wasm (the Rust `parquet` crate compiled to WebAssembly; apache-arrow builds its input)
# and hyparquet-writer (an independent pure-JavaScript writer). Exits 3 (tests skip) when node, npm or the registry is unavailable.
#   install_parquet_writer.sh DEST_DIR
set -euo pipefail
dest="$1"
if [ -f "$dest/.complete" ]; then echo "$dest/node_modules"; exit 0; fi
command -v node >/dev/null 2>&1 || exit 3
command -v npm >/dev/null 2>&1 || exit 3
mkdir -p "$dest"
# ctest -j runs test cases as parallel processes: one installs, the others wait for it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest/.lock"
  flock 9
  if [ -f "$dest/.complete" ]; then echo "$dest/node_modules"; exit 0; fi
fi
if ! npm install --silent --no-audit --no-fund --no-save --prefix "$dest" \
    parquet-wasm@0.8.0 apache-arrow@21.2.0 hyparquet-writer@0.17.0 >/dev/null 2>&1; then
  exit 3
fi
touch "$dest/.complete"
echo "$dest/node_modules"
