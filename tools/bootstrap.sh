#!/usr/bin/env bash
# Installs what rewardbench needs on Debian 12 (apt only) and builds it into build/.
# Idempotent: packages already present are kept, an existing build/ is reused.
#   usage: bash tools/bootstrap.sh            (uses sudo when not root)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(build-essential cmake pkg-config libtorch-dev libopenblas-dev nlohmann-json3-dev libpcre2-dev
          libicu-dev libcli11-dev libgtest-dev python3
          libsnappy-dev libzstd-dev zlib1g-dev
          libcurl4-openssl-dev libssl-dev libsqlite3-dev
          libsentencepiece-dev)  # tests only: trains a tiny SentencePiece model; never linked into rewardbench
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tests compare chat templates with Python's jinja2 and tokenizers with the npm Rust oracle;
# install them only where the machine lacks them (a python3 or node of its own counts).
python3 -c "import jinja2" 2>/dev/null || missing+=(python3-jinja2)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# The HTML report's test opens it in a real browser (puppeteer-core from npm drives it).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Two parallel jobs: every file that includes torch headers takes ~1 GB of memory to compile.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"${RB_BUILD_JOBS:-2}"
echo "bootstrap: built build/rewardbench"
