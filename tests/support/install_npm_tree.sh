#!/usr/bin/env bash
# Installs a pinned npm package with its dependencies into DEST_DIR, once (tests that run a
# JavaScript tool: @huggingface/hub, puppeteer-core):
#   install_npm_tree.sh NAME@VERSION DEST_DIR   -> prints DEST_DIR/node_modules
# puppeteer-core downloads no browser (PUPPETEER_SKIP_DOWNLOAD); the tests drive the machine's own.
# Exits 3 (tests skip) when node, npm or the registry is unavailable.
set -euo pipefail
spec="$1"
dest="$2"
mkdir -p "$dest"
# ctest runs tests in parallel: one install at a time, and nobody uses a half-installed tree.
exec 9>"$dest/.lock"
flock 9
if [ -f "$dest/.complete" ]; then echo "$dest/node_modules"; exit 0; fi
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || exit 3
rm -rf "$dest/node_modules"
PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$dest" --no-audit --no-fund --silent "$spec" >/dev/null 2>&1 || exit 3
touch "$dest/.complete"
echo "$dest/node_modules"
