#!/usr/bin/env bash
# Cold and warm build times of one or more commits (docs/build-times.md). For each REV: a fresh
# clone built with an empty compiler cache (cold), then a second fresh clone at another path
# built against the cache the first filled (warm), each timed; ccache's hit counts beside them.
# usage: packaging/build_times.sh WORKDIR REV...   (runs packaging/build.sh; nothing else should
# run on the machine meanwhile)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 WORKDIR REV..." >&2
  exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$1"
shift
mkdir -p "$work"
for rev in "$@"; do
  cache="$work/cache-$rev"
  rm -rf "$cache"
  for run in cold warm; do
    dir="$work/$rev-$run"
    rm -rf "$dir"
    git clone -q "$repo" "$dir"
    git -C "$dir" checkout -q "$rev"
    CCACHE_DIR="$cache" ccache -z > /dev/null
    start=$(date +%s)
    (cd "$dir" && CCACHE_DIR="$cache" packaging/build.sh > "$work/$rev-$run.log" 2>&1)
    seconds=$(($(date +%s) - start))
    hits=$(CCACHE_DIR="$cache" ccache -s | awk '/^ *Hits:/ {print $2 " of " $4; exit}')
    echo "$rev $run: ${seconds} s, compiles from the cache: $hits"
  done
done
