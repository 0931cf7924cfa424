#!/usr/bin/env bash
# Fuzz every target for a while and summarise (docs/fuzzing.md). Needs a -DEMERGENCE_FUZZ=ON build:
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
# Each target starts from a scratch copy of its committed corpus and regressions (the committed
# corpus does not grow); logs and any crash inputs land in $FUZZ_WORK (default /dev/shm/...).
# Two targets run at a time (EMERGENCE_JOBS overrides), one per core.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?build dir of a -DEMERGENCE_FUZZ=ON build}"
seconds="${2:?seconds per target}"
shift 2
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(npy safetensors json_configs model_folder sidecar png_text image png_info session)
work="${FUZZ_WORK:-/dev/shm/emergence-fuzz-work}"
mkdir -p "$work"

fuzz_one() {
  local name="$1" dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir/corpus" "$dir/artifacts"
  cp "$here/$name/corpus/"* "$dir/corpus/"
  [[ -d "$here/$name/regressions" ]] && cp "$here/$name/regressions/"* "$dir/corpus/"
  # Inputs up to 64 KiB (deep JSON nesting and long npy headers need length); 10 s per input
  # counts as a hang; 4 GiB of memory as a leak or an unbounded allocation.
  TMPDIR=/dev/shm ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" > "$dir/log.txt" 2>&1 || true
}
export -f fuzz_one
export work seconds build here
printf '%s\n' "${targets[@]}" | xargs -P "${EMERGENCE_JOBS:-2}" -I{} bash -c 'fuzz_one {}'

printf '%-14s %8s %12s %8s %8s %s\n' target seconds executions cov ft findings
for name in "${targets[@]}"; do
  log="$work/$name/log.txt"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo ?)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  findings=$(ls "$work/$name/artifacts" | wc -l)
  printf '%-14s %8s %12s %8s %8s %s\n' "$name" "$seconds" "$execs" "$cov" "$ft" "$findings"
done
