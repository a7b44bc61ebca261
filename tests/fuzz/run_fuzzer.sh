#!/usr/bin/env bash
# Runs one libFuzzer harness: replays its regression inputs (each must pass), then fuzzes for
# $SNAC_FUZZ_SECONDS (default 20) starting from the seeds. New inputs go to WORK/<name>/corpus,
# a crash to WORK/<name>/crash-* (copy it to tests/fuzz/regressions/<name>/ once fixed).
# Usage: run_fuzzer.sh HARNESS NAME WORK SEED_FILE_OR_DIR...
set -euo pipefail
exe="$1" name="$2" work="$3/$2"; shift 3
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$work/corpus" "$work/seeds"
for s in "$@"; do
    if [ -d "$s" ]; then cp -f "$s"/* "$work/seeds/" 2>/dev/null || true
    elif [ -f "$s" ]; then cp -f "$s" "$work/seeds/"; fi
done
# Leaks of the third-party libraries (HDF5's free lists, yaml-cpp statics) are not snac's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}"
regressions="$here/regressions/$name"
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $name: replaying $(ls "$regressions" | wc -l) regression inputs"
    "$exe" -runs=1 "$regressions"/* 2>&1 | tail -n 3
fi
seconds="${SNAC_FUZZ_SECONDS:-20}"
echo "== $name: fuzzing for ${seconds}s"
# A fixed seed (SNAC_FUZZ_SEED, default 1) makes the exploration repeatable run to run; a longer
# campaign (scripts/fuzz.sh) may pass another.
"$exe" -seed="${SNAC_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds" \
    > "$work/log" 2>&1 || { tail -n 60 "$work/log"; exit 1; }
grep -E "^stat::(number_of_executed_units|new_units_added)|INITED|DONE" "$work/log" || true
