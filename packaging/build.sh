#!/usr/bin/env bash
# Installs whatever Debian 12 packages are missing, then configures and builds Emergence (Release)
# into ./build. Used by both README commands and by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ ccache pkg-config
  qt6-base-dev libtorch-dev libopencv-dev libgtest-dev nlohmann-json3-dev
  libopenblas0-pthread  # without it libtorch falls back to reference BLAS, ~9x slower
  xvfb xauth            # widget tests and screenshots under a virtual display
  fonts-noto-color-emoji unicode-data  # the emoji training set: font and emoji-test.txt
  libgif-dev libwebp-dev zlib1g-dev  # export: animated GIF, animated WebP, PNG text chunks
  libcli11-dev       # the command-line parser (header-only)
  libicu-dev         # the CLIP tokenizer: Unicode lower-casing, letter and number classes
)
# Callers that need more (packaging/deb.sh) name them here, space-separated.
read -ra extra_packages <<< "${EMERGENCE_EXTRA_PACKAGES:-}"
packages+=("${extra_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

launcher=()
if command -v ccache >/dev/null; then
  # Precompiled headers are cacheable only with this sloppiness (ccache manual, "Precompiled
  # headers"): the PCH is compiled moments before the files that include it.
  launcher=("-DCMAKE_CXX_COMPILER_LAUNCHER=env;CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime;ccache")
  # Paths relative to the checkout, so every clone (CI's included) shares one cache.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/emergence-ccache}"
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
# Torch-heavy translation units need ~1.5 GB each; two jobs fit any 2-core machine.
cmake --build build --parallel "${EMERGENCE_JOBS:-2}"
