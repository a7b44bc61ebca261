#!/usr/bin/env bash
# snac global under plain mpirun (a workstation or a cluster without Slurm).
#   scripts/slurm/mpirun_example.sh CONFIG.yaml RUN_DIR [RANKS]
# Rank 0 coordinates; with >= 3 ranks one rank estimates (runtime.estimators), the rest train.
# Each rank trains with OMP_NUM_THREADS oneDNN threads: keep RANKS x threads <= cores.
# Stop gracefully with Ctrl-C or SIGTERM to this script (scripts/mpirun_drain.sh turns them into
# SIGUSR1 for every rank: exit 0), or kill -USR1 <mpirun pid>; continue later by running the same
# command again (it passes --resume).
set -euo pipefail
config="${1:?usage: mpirun_example.sh CONFIG.yaml RUN_DIR [RANKS]}"
run_dir="${2:?usage: mpirun_example.sh CONFIG.yaml RUN_DIR [RANKS]}"
ranks="${3:-$(nproc)}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
snac="${SNAC_BIN:-$root/build/bin/snac}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$root/scripts/mpirun_drain.sh" -n "$ranks" --bind-to core --map-by core "$snac" global "$config" --out "$run_dir" --resume
