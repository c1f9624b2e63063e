#!/usr/bin/env bash
# Fetches a pinned npm package tarball and unpacks it, once: fetch_npm_package.sh NAME@VERSION DEST_DIR
# Prints the unpacked package folder. Exits 3 (tests skip) when npm or the registry is unavailable.
set -euo pipefail
spec="$1"; dest="$2"
safe=$(printf '%s' "$spec" | tr '/@' '__')
target="$dest/$safe"
mkdir -p "$dest"
# ctest runs tests in parallel: one fetch at a time, so nobody reads a half-extracted package.
exec 9>"$dest/.lock"
flock 9
if [ -f "$target/.complete" ]; then echo "$target/package"; exit 0; fi
command -v npm >/dev/null 2>&1 || exit 3
mkdir -p "$target"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1); then exit 3; fi
tar xzf "$tmp"/*.tgz -C "$target"
touch "$target/.complete"
echo "$target/package"
