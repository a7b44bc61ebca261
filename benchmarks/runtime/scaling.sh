#!/usr/bin/env bash
# Scaling of the global search: trials per hour for 1, 2, 4 ... ranks on the same search.
# Runs unchanged on a cluster: set LAUNCH to the launcher prefix (the rank count is appended).
#   benchmarks/runtime/scaling.sh [CONFIG] [TRIALS] [RANKS...]
#   LAUNCH="srun -n" benchmarks/runtime/scaling.sh configs/quickstart.yaml 200 1 16 64 256
# 1 rank = embedded mode (runtime.embedded_trainers trainer threads); N ranks = rank 0
# coordinating, N-1 workers (one estimator from 3 ranks on). OMP_NUM_THREADS defaults to 1.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
config="${1:-$root/configs/quickstart.yaml}"
trials="${2:-24}"
shift $(( $# >= 2 ? 2 : $# )) || true
ranks=("$@")
[[ ${#ranks[@]} -eq 0 ]] && ranks=(1 2 4)
snac="${SNAC_BIN:-$root/build/bin/snac}"
launch="${LAUNCH:-mpiexec --oversubscribe --bind-to none -n}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
work="$(mktemp -d "${SCALING_DIR:-${TMPDIR:-/tmp}}/snac-scaling.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$snac" data import --config "$config" >/dev/null 2>&1 || true
printf "%-8s %-10s %10s %14s\n" ranks trials "wall s" "trials/hour"
for n in "${ranks[@]}"; do
    t0=$(date +%s.%N)
    if [[ $n == 1 ]]; then
        "$snac" global "$config" --out "run$n" --trials "$trials" --no-progress -q >/dev/null
    else
        $launch "$n" "$snac" global "$config" --out "run$n" --trials "$trials" --no-progress -q >/dev/null
    fi
    t1=$(date +%s.%N)
    awk -v n="$n" -v t="$trials" -v a="$t0" -v b="$t1" \
        'BEGIN { printf "%-8s %-10s %10.1f %14.0f\n", n, t, b - a, t / (b - a) * 3600 }'
done
