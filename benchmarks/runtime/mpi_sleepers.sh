#!/usr/bin/env bash
# The coordinator under an oversubscribed mpirun with many trainer ranks that only sleep (issue 15
# item 6b): 32 and 64 trainers on this machine's cores, each trial a sleep of TRIAL_MS, the real
# global-stage driver (NSGA-II + SQLite study + analytical estimates) on rank 0. Open MPI is told
# to yield when idle (mpi_yield_when_idle) and snac's receive loop sleeps between probes (20 us
# doubling to 1 ms), so idle ranks do not spin. Prints, per rank count, the coordinator's CPU per
# trial and the trainers' idle fraction. Not a test: timings on a shared machine vary.
# Usage: benchmarks/runtime/mpi_sleepers.sh [build-dir]   (env: TRAINERS="32 64" TRIAL_MS=1000 TRIALS)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build}"
bench="$build/bin/bench_runtime_capacity"
[[ -x "$bench" ]] || { echo "build it first: cmake --build $build --target bench_runtime_capacity"; exit 2; }
trial_ms="${TRIAL_MS:-1000}"
export OMP_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')   cores: $(nproc)   load:$(uptime | sed 's/.*load average://')"
for n in ${TRAINERS:-32 64}; do
    trials="${TRIALS:-$(( n * 10 ))}"
    # Ranks: 1 coordinator + 1 estimator (plan_roles gives one from 3 ranks on) + n trainers.
    ranks=$(( n + 2 ))
    echo "== $n sleeping trainers, $trials trials of $trial_ms ms, mpirun -n $ranks --oversubscribe"
    /usr/bin/time -f "all ranks: %e s wall, %U s user + %S s system CPU" \
        mpirun --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 -n "$ranks" \
        "$bench" --trials "$trials" --trial-ms "$trial_ms" --driver full 2>&1 | grep -v '^$'
done
echo "load after: $(uptime | sed 's/.*load average://')"
