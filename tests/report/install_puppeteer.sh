#!/usr/bin/env bash
# Installs the pinned puppeteer-core (drives a Chromium already on the machine; downloads no
# browser) with its dependencies, once:
#   install_puppeteer.sh DEST_DIR   -> prints DEST_DIR/node_modules
# Exits 3 (tests skip) when node, npm or the registry is unavailable.
set -euo pipefail
# The newest release that still runs on Debian 12's Node 18.
spec="puppeteer-core@24.43.1"
dest="$1"
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
