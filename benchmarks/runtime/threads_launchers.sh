#!/usr/bin/env bash
# The thread count under every launcher (issue 15 item 7, docs/performance.md#thread-count-under-every-launcher):
# the quick-start search with a fixed number of trials run embedded, under `mpirun -n 2` and under
# a real `srun --mpi=pmix -n 2` (the one-node Slurm cluster of tests/slurm/cluster.sh, started here
# when no controller answers and stopped again afterwards). Nothing sets OMP_NUM_THREADS: snac
# chooses each rank's thread count itself (src/runtime/threads.cpp). Prints, per launcher, the
# `threads:` line snac logged, whether it warned about oversubscription, and trials/hour (median
# of REPEATS runs; by wall clock with the launcher's start-up, and by the search's own time); then the cases that must warn (3 ranks on 2 cores, OMP_NUM_THREADS=2 under
# srun, 4 embedded trainers on 2 cores) and the slowdown the rule prevents (OMP_NUM_THREADS=2
# under srun = what every rank took before the rule).
# Usage: benchmarks/runtime/threads_launchers.sh [TRIALS=24] [REPEATS=3]   (as root for Slurm)
#   ONLY_GOAL=1: the 1-trainer rows and the default embedded layout only (no warning cases)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
trials="${1:-24}"
repeats="${2:-3}"
snac="${SNAC_BIN:-$root/build/bin/snac}"
export SNAC_DATA_DIR="${SNAC_DATA_DIR:-$root/../shared/data}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset OMP_NUM_THREADS
[[ -x "$snac" ]] || { echo "build snac first ($snac)" >&2; exit 2; }
# Slurm needs the run directory on a path every task sees; this is one node, /tmp is fine.
work="$(mktemp -d "${TMPDIR:-/tmp}/snac-threads.XXXXXX")"
started_cluster=0
cleanup() {
    [[ $started_cluster == 1 ]] && "$root/tests/slurm/cluster.sh" stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
sed -e "s/^  trials: .*/  trials: $trials/" "$root/configs/quickstart.yaml" > q.yaml
"$snac" data import --config q.yaml >/dev/null

have_slurm=1
if ! sinfo -h >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]] && command -v slurmctld >/dev/null &&
        "$root/tests/slurm/cluster.sh" start >/dev/null 2>&1; then
        started_cluster=1
    else
        have_slurm=0
        echo "no Slurm controller and cannot start tests/slurm/cluster.sh: srun rows skipped"
    fi
fi

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load before: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "CPUs: $(getconf _NPROCESSORS_ONLN); quick-start search, $trials trials x 5 epochs"

# run NAME PREFIX... : one run of snac global under PREFIX; prints wall seconds, keeps the log.
run_once() {
    local name="$1"; shift
    rm -rf "run_$name"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" "$snac" global q.yaml --out "run_$name" --no-progress >"log_$name" 2>&1 ||
        { echo "$name failed:" >&2; tail -n 20 "log_$name" >&2; return 1; }
    t1=$(date +%s.%N)
    # The search's own time (from the first ask to the last result; no process start, no MPI
    # start-up): "global search: 24/24 trials (...) in 3.8 s".
    sed -n 's/^.*global search: [0-9]*\/[0-9]* trials .* in \([0-9.]*\) s.*$/\1/p' "log_$name" |
        head -n 1 >> "search_$name"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

# measure NAME PREFIX... : REPEATS runs, prints a table row; the median goes to rates.txt.
measure() {
    local name="$1"; shift
    local walls=()
    rm -f "search_$name"
    for _ in $(seq "$repeats"); do walls+=("$(run_once "$name" "$@")"); done
    local med smed
    med="$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    smed="$(sort -g "search_$name" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    local line warn
    line="$(grep -m1 -o 'threads: .*' "log_$name" | sed 's/ *$//' || echo '(no threads line)')"
    warn="$(grep -c 'oversubscribed' "log_$name" || true)"
    printf "%-34s %-22s %8.2f %12.0f %8.2f %12.0f  %s%s\n" "$name" \
        "$(echo "${walls[*]}" | tr ' ' ',')" "$med" \
        "$(awk -v t="$trials" -v w="$med" 'BEGIN { print t / w * 3600 }')" "$smed" \
        "$(awk -v t="$trials" -v w="$smed" 'BEGIN { print t / w * 3600 }')" "$line" \
        "$([[ $warn -gt 0 ]] && echo "  [WARNS: oversubscribed x$warn]" || true)"
    echo "$name $(awk -v t="$trials" -v w="$med" 'BEGIN { print t / w * 3600 }')" \
        "$(awk -v t="$trials" -v w="$smed" 'BEGIN { print t / w * 3600 }')" >> rates.txt
}

printf "%-34s %-22s %8s %12s %8s %12s  %s\n" launcher "wall s (each run)" median trials/hour \
    "search s" "search t/h" "snac's choice (first lines of the log)"
: > rates.txt
# One trainer in every layout (2 ranks = coordinator + 1 trainer), so the rates are comparable.
sed -e '/^runtime:/d' q.yaml > q1.yaml && printf 'runtime:\n  embedded_trainers: 1\n' >> q1.yaml
cp q.yaml q_default.yaml
cp q1.yaml q.yaml
measure "embedded, 1 trainer" env
measure "mpirun -n 2" mpirun -n 2
[[ $have_slurm == 1 ]] && measure "srun --mpi=pmix -n 2" srun --mpi=pmix -n 2
echo "--- goal: the 1-trainer layouts within 20 % of each other"
# spread FILE FIELD: FIELD 1 = wall-clock trials/hour (start-up included), 0 = the search's own.
spread() {
    awk -v f="$2" '{ v = f ? $(NF - 1) : $NF
                     if (NR == 1 || v > hi) hi = v; if (NR == 1 || v < lo) lo = v }
         END { printf "spread (max/min - 1) of %s: %.1f %% -> %s\n",
               (f ? "wall-clock trials/hour" : "the search'"'"'s own trials/hour"), (hi / lo - 1) * 100,
               (hi / lo <= 1.2 ? "within 20 %" : "NOT within 20 %") }' "$1"
}
spread rates.txt 1
spread rates.txt 0
echo "--- a lone embedded trainer on 1 oneDNN thread (runtime.threads_per_rank: 1)"
printf '  threads_per_rank: 1\n' >> q.yaml
measure "embedded, 1 trainer, 1 thread" env
grep -v '^embedded, 1 trainer ' rates.txt > rates1.txt
echo -n "with it instead of snac's choice: " && spread rates1.txt 1
echo "--- the default layouts and the cases that must warn"
cp q_default.yaml q.yaml
if [[ -n "${ONLY_GOAL:-}" ]]; then
    measure "embedded, default trainers" env
    echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
measure "embedded, default trainers" env
measure "taskset -c 0 embedded" taskset -c 0
measure "mpirun -n 3 --oversubscribe" mpirun -n 3 --oversubscribe
printf 'runtime:\n  embedded_trainers: 4\n' >> q.yaml
measure "embedded, 4 trainers on 2 CPUs" env
cp q_default.yaml q.yaml
if [[ $have_slurm == 1 ]]; then
    measure "srun -n 2 -c 1" srun --mpi=pmix -n 2 -c 1
    # OMP_NUM_THREADS=2 on each of 2 unbound ranks: what every rank took before the rule.
    measure "srun -n 2, OMP_NUM_THREADS=2" env OMP_NUM_THREADS=2 srun --mpi=pmix -n 2
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
