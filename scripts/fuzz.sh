#!/usr/bin/env bash
# Long fuzzing runs (docs/reliability.md#fuzzing). Builds the clang ASan+UBSan+libFuzzer tree
# (build-asan, shared with scripts/test.sh) and runs every harness, or the ones named, for
# SECONDS each (default 600), keeping the grown corpus in build-asan/fuzz/work/<name>/corpus.
# A crash is saved as build-asan/fuzz/work/<name>/crash-*: fix it, then copy the input to
# tests/fuzz/regressions/<name>/ so every later run replays it.
# Usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [HARNESS...]
#   harnesses: config architecture precision import_csv import_idx import_npy dataset_h5
#              checkpoint_h5 study
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=600
jobs=1
while getopts "t:j:h" opt; do
    case "$opt" in
        t) seconds="$OPTARG" ;;
        j) jobs="$OPTARG" ;;
        *) sed -n 2,9p "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
build="${SNAC_ASAN_BUILD_DIR:-$root/build-asan}"
"$root/scripts/sanitize.sh" build-asan
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(config architecture precision import_csv import_idx import_npy
                                 dataset_h5 checkpoint_h5 study)
regex="^fuzz_($(IFS='|'; echo "${names[*]}"))\$"
cd "$build"
SNAC_FUZZ_SECONDS="$seconds" ctest -R "$regex" -j "$jobs" --output-on-failure
for n in "${names[@]}"; do
    log="$build/fuzz/work/$n/log"
    [ -f "$log" ] && printf '%-14s %s\n' "$n" \
        "$(grep -hE '^stat::number_of_executed_units' "$log" | awk '{print $2 " executions"}')"
done
